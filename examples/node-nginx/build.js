// Renders src/*.md-ish pages into build/*.html and copies src/static/* verbatim.
// Usage: node build.js [--title TITLE] [--out DIR]
'use strict';
const fs = require('fs');
const path = require('path');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const title = arg('--title', 'site');
const out = path.resolve(arg('--out', 'build'));
const src = path.resolve('src');
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));

const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function render(text) {
  return text.split(/\n{2,}/).map((block) => {
    const h = block.match(/^(#+) (.*)$/);
    return h ? `<h${h[1].length}>${escape(h[2])}</h${h[1].length}>` : `<p>${escape(block.trim())}</p>`;
  }).join('\n');
}

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
const pages = fs.readdirSync(src).filter((f) => f.endsWith('.txt')).sort();
for (const page of pages) {
  const body = render(fs.readFileSync(path.join(src, page), 'utf8'));
  const html = `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escape(title)}</title>` +
    `<link rel="stylesheet" href="style.css"></head>\n<body>\n${body}\n` +
    `<footer>${escape(pkg.name)} ${escape(pkg.version)}</footer>\n</body></html>\n`;
  fs.writeFileSync(path.join(out, page.replace(/\.txt$/, '.html')), html);
}
for (const f of fs.readdirSync(path.join(src, 'static')).sort()) {
  fs.copyFileSync(path.join(src, 'static', f), path.join(out, f));
}
console.log(`built ${pages.length} page(s) into ${out}`);
