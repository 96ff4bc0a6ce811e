// Offline stand-in for `npm ci`: writes node_modules/<name>/{package.json,index.js} for every
// dependency in package.json, plus node_modules/.package-lock.json. Deterministic output.
'use strict';
const fs = require('fs');
const path = require('path');

const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
const deps = Object.entries(pkg.dependencies || {}).sort(([a], [b]) => a.localeCompare(b));
const lock = { name: pkg.name, version: pkg.version, lockfileVersion: 3, packages: {} };

for (const [name, version] of deps) {
  const dir = path.join('node_modules', name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'),
    JSON.stringify({ name, version, main: 'index.js' }, null, 2) + '\n');
  fs.writeFileSync(path.join(dir, 'index.js'),
    `module.exports = (s) => ${JSON.stringify(name + '@' + version + ': ')} + String(s);\n`);
  lock.packages[`node_modules/${name}`] = { version };
  console.log(`added ${name}@${version}`);
}
fs.writeFileSync(path.join('node_modules', '.package-lock.json'), JSON.stringify(lock, null, 2) + '\n');
console.log(`installed ${deps.length} package(s)`);
