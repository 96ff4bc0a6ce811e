//! BuildKit's AST dump (`Node.Dump()`), the format of the parser conformance `result` files:
//! one s-expression per instruction, strings quoted like Go's `strconv.Quote`.

use super::ast::{Dockerfile, Node};
use super::text::go_quote;

impl Dockerfile {
    /// The AST dump: one line per instruction, no trailing newline.
    pub fn dump(&self) -> String {
        let mut out = String::new();
        for (i, node) in self.nodes.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            node.dump_into(&mut out);
        }
        out
    }
}

impl Node {
    /// This instruction as a dump line, e.g. `(copy ["--from=a"] "x" "/y")`.
    pub fn dump(&self) -> String {
        let mut out = String::new();
        self.dump_into(&mut out);
        out
    }

    fn dump_into(&self, out: &mut String) {
        out.push('(');
        let start = out.len();
        out.push_str(&self.keyword);
        if !self.flags.is_empty() {
            out.push_str(" [");
            for (i, flag) in self.flags.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                go_quote(&flag.text, out);
            }
            out.push(']');
        }
        if let Some(child) = &self.onbuild {
            out.push(' ');
            child.dump_into(out);
        }
        for arg in &self.args {
            out.push(' ');
            go_quote(&arg.text, out);
        }
        // Upstream trims the assembled text (it can start with a blank when the keyword is
        // empty).
        let body = out.get(start..).unwrap_or_default();
        let trimmed = body.trim();
        if trimmed.len() != body.len() {
            let trimmed = trimmed.to_owned();
            out.truncate(start);
            out.push_str(&trimmed);
        }
        out.push(')');
    }
}
