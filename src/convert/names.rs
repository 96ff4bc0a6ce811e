//! Progress names (`[build 2/5] RUN make`) and the Go-flavoured strings the official frontend
//! writes into image history.

use crate::dockerfile::go_quote;
use crate::instructions::Command;
use crate::llb::Platform;

/// Whether a command is a numbered step (`[2/5] RUN …`): ADD, COPY, RUN and WORKDIR are.
pub(crate) fn is_numbered(command: &Command) -> bool {
    matches!(
        command,
        Command::Add(_) | Command::Copy(_) | Command::Run(_) | Command::Workdir(_)
    )
}

/// Numbering of one stage's vertices.
#[derive(Debug, Clone, Default)]
pub struct StepCounter {
    /// `stage-N`, the `AS` name, or empty for a one-stage build.
    pub stage_name: String,
    /// FROM (for image bases) plus every ADD, COPY, RUN and WORKDIR.
    pub total: usize,
    index: usize,
    /// Prefix names with the platform (multi-platform builds).
    pub platform: Option<Platform>,
}

impl StepCounter {
    pub fn new(stage_name: String, total: usize, platform: Option<Platform>) -> Self {
        StepCounter {
            stage_name,
            total,
            index: 0,
            platform,
        }
    }

    /// Counts `n` steps without naming them.
    pub fn skip(&mut self, n: usize) {
        self.index += n;
    }

    /// Another name for the current step (same number): `COPY --link`'s merge.
    pub fn same(&mut self, text: &str) -> String {
        self.index = self.index.saturating_sub(1);
        self.next(text)
    }

    /// The next step's name: `[` platform? stage? `i/N] ` + text; the text alone for stages
    /// that are not numbered (images named only by `COPY --from`).
    pub fn next(&mut self, text: &str) -> String {
        if self.total == 0 {
            return text.to_string();
        }
        self.index += 1;
        let mut out = String::from("[");
        if let Some(platform) = &self.platform {
            out.push_str(&platform.to_string());
            out.push(' ');
        }
        if !self.stage_name.is_empty() {
            out.push_str(&self.stage_name);
            out.push(' ');
        }
        let width = self.total.to_string().len();
        out.push_str(&format!(
            "{:>width$}/{}] {text}",
            self.index,
            self.total,
            width = width
        ));
        out
    }
}

/// Upper-case the first word of an instruction text (`run echo` → `RUN echo`).
pub fn uppercase_keyword(text: &str) -> String {
    match text.split_once(' ') {
        Some((keyword, rest)) => format!("{} {rest}", keyword.to_uppercase()),
        None => text.to_uppercase(),
    }
}

/// Go's `%q` of a string slice: `["a" "b"]`.
pub fn go_quote_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| go_quote(s)).collect();
    format!("[{}]", quoted.join(" "))
}

/// Go's `%v` of a string slice: `[a b]`.
pub fn go_list(items: &[String]) -> String {
    format!("[{}]", items.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_pads_to_the_total_width() {
        let mut c = StepCounter::new("build".into(), 12, None);
        assert_eq!(c.next("FROM x"), "[build  1/12] FROM x");
        for _ in 0..8 {
            c.next("");
        }
        assert_eq!(c.next("RUN y"), "[build 10/12] RUN y");
        let mut single = StepCounter::new(String::new(), 2, None);
        assert_eq!(single.next("FROM a"), "[1/2] FROM a");
        let mut unnumbered = StepCounter::new("stage-1".into(), 0, None);
        assert_eq!(unnumbered.next("FROM b"), "FROM b");
    }

    #[test]
    fn platform_prefix() {
        let p = Platform::parse("linux/arm64").unwrap();
        let mut c = StepCounter::new("stage-0".into(), 3, Some(p));
        assert_eq!(c.next("RUN a"), "[linux/arm64 stage-0 1/3] RUN a");
    }

    #[test]
    fn go_formatting() {
        assert_eq!(
            go_quote_list(&["/bin/sh".into(), "-c".into(), "echo \"hi\"\t".into()]),
            r#"["/bin/sh" "-c" "echo \"hi\"\t"]"#
        );
        assert_eq!(go_list(&["/data".into(), "/logs".into()]), "[/data /logs]");
        assert_eq!(uppercase_keyword("copy a b"), "COPY a b");
    }
}
