//! The instructions that only change the image config (and history): one method each.

use super::StageRun;
use crate::convert::ConvertError;
use crate::convert::names::{go_list, go_quote_list};
use crate::dockerfile::Span;
use crate::instructions::written_keyword;
use crate::instructions::{
    CmdCommand, EntrypointCommand, EnvCommand, ExposeCommand, HealthcheckCommand, LabelCommand,
    MaintainerCommand, OnbuildCommand, ShellCommand, StopSignalCommand, UserCommand, VolumeCommand,
};
use crate::lint::rules;

impl StageRun<'_, '_> {
    /// ENV: variables for the stage and the image.
    pub(super) fn env(&mut self, e: &EnvCommand) -> Result<(), ConvertError> {
        let mut history = String::from("ENV");
        for kv in &e.env {
            if kv.no_delim {
                self.d.lint.report(
                    &rules::LEGACY_KEY_VALUE_FORMAT,
                    e.source.span,
                    rules::legacy_key_value_format(written_keyword(&e.source.code)),
                );
            }
            self.secret_name("ENV", &kv.key.text, e.source.span);
            self.s.env.set(&kv.key.text, &kv.value.text);
            self.s.image.config.set_env(&kv.key.text, &kv.value.text);
            history.push_str(&format!(" {}={}", kv.key.text, kv.value.text));
        }
        self.commit(history, false);
        Ok(())
    }

    /// LABEL: image labels.
    pub(super) fn label(&mut self, l: &LabelCommand) -> Result<(), ConvertError> {
        let mut history = String::from("LABEL");
        for kv in &l.labels {
            if kv.no_delim {
                self.d.lint.report(
                    &rules::LEGACY_KEY_VALUE_FORMAT,
                    l.source.span,
                    rules::legacy_key_value_format(written_keyword(&l.source.code)),
                );
            }
            self.s
                .image
                .config
                .labels
                .insert(kv.key.text.clone(), kv.value.text.clone());
            history.push_str(&format!(" {}={}", kv.key.text, kv.value.text));
        }
        self.commit(history, false);
        Ok(())
    }

    /// USER: who runs later RUN steps and the container.
    pub(super) fn user(&mut self, u: &UserCommand) -> Result<(), ConvertError> {
        self.s.user = u.user.text.clone();
        self.s.image.config.user = u.user.text.clone();
        self.commit(format!("USER {}", u.user.text), false);
        Ok(())
    }

    /// EXPOSE: ports, as upstream lists them in history.
    pub(super) fn expose(&mut self, e: &ExposeCommand) -> Result<(), ConvertError> {
        let env = &self.s.env;
        let lexer = self.d.lexer;
        let mut words = Vec::new();
        let ports = e.port_specs(&mut |w: &str| {
            let split = lexer.process_words(w, env)?;
            words.extend(split.iter().cloned());
            Ok(split)
        })?;
        for word in &words {
            self.lint_port(word, e.source.span);
        }
        for port in &ports {
            self.s
                .image
                .config
                .exposed_ports
                .insert(port.clone(), Default::default());
        }
        let history = if self.like_buildkit_0_8() {
            // Go's `%v` of the port set, as BuildKit 0.8's builtin frontend writes it.
            let set: std::collections::BTreeSet<&String> = ports.iter().collect();
            let shown: Vec<String> = set.iter().map(|p| format!("{p}:{{}}")).collect();
            format!("EXPOSE map[{}]", shown.join(" "))
        } else {
            format!("EXPOSE [{}]", ports.join(" "))
        };
        self.commit(history, false);
        Ok(())
    }

    /// ExposeProtoCasing and ExposeInvalidFormat for one `[ip:[hostPort:]]port[/proto]`.
    fn lint_port(&mut self, raw: &str, span: Span) {
        let parts: Vec<&str> = raw.split(':').collect();
        let (ip, host_port, container) = match parts.as_slice() {
            [port] => ("".to_string(), "", *port),
            [host, port] => ("".to_string(), *host, *port),
            [rest @ .., host, port] => (rest.join(":"), *host, *port),
            [] => return,
        };
        let proto = container.split_once('/').map_or("tcp", |(_, p)| p);
        if proto != proto.to_lowercase() {
            self.d.lint.report(
                &rules::EXPOSE_PROTO_CASING,
                span,
                rules::expose_proto_casing(raw),
            );
        }
        if !ip.is_empty() || !host_port.is_empty() {
            self.d.lint.report(
                &rules::EXPOSE_INVALID_FORMAT,
                span,
                rules::expose_invalid_format(raw),
            );
        }
    }

    /// VOLUME: mount points of the image.
    pub(super) fn volume(&mut self, v: &VolumeCommand, span: Span) -> Result<(), ConvertError> {
        let mut items = Vec::new();
        for volume in &v.volumes {
            if volume.text.is_empty() {
                return Err(ConvertError::at(
                    span,
                    "VOLUME specified can not be an empty string",
                ));
            }
            self.s
                .image
                .config
                .volumes
                .insert(volume.text.clone(), Default::default());
            items.push(volume.text.clone());
        }
        self.commit(format!("VOLUME {}", go_list(&items)), false);
        Ok(())
    }

    /// STOPSIGNAL: validated as upstream does.
    pub(super) fn stop_signal(
        &mut self,
        sig: &StopSignalCommand,
        span: Span,
    ) -> Result<(), ConvertError> {
        if !is_signal(&sig.signal.text) {
            return Err(ConvertError::at(
                span,
                format!("invalid signal: {}", sig.signal.text),
            ));
        }
        self.s.image.config.stop_signal = sig.signal.text.clone();
        self.commit(format!("STOPSIGNAL {}", sig.signal.text), false);
        Ok(())
    }

    /// SHELL: the shell of later shell-form instructions.
    pub(super) fn shell(&mut self, sh: &ShellCommand) -> Result<(), ConvertError> {
        let shell: Vec<String> = sh.shell.iter().map(|w| w.text.clone()).collect();
        self.commit(format!("SHELL {}", go_list(&shell)), false);
        self.s.image.config.shell = shell;
        Ok(())
    }

    /// CMD: the default command.
    pub(super) fn cmd(&mut self, c: &CmdCommand) -> Result<(), ConvertError> {
        let name = written_keyword(&c.source.code);
        let previous = self.last_cmd.replace(c.source.span);
        self.used_once(previous, name);
        self.json_args(&c.cmd, name, c.source.span);
        let args = self.with_shell(&c.cmd);
        self.commit(format!("CMD {}", go_quote_list(&args)), false);
        self.s.image.config.cmd = Some(args);
        self.s.image.config.args_escaped = true;
        self.cmd_set = true;
        Ok(())
    }

    /// ENTRYPOINT: resets an inherited CMD unless this stage set one.
    pub(super) fn entrypoint(&mut self, e: &EntrypointCommand) -> Result<(), ConvertError> {
        let name = written_keyword(&e.source.code);
        let previous = self.last_entrypoint.replace(e.source.span);
        self.used_once(previous, name);
        self.json_args(&e.cmd, name, e.source.span);
        // A bare shell-form ENTRYPOINT still runs the shell (`/bin/sh -c ""`), as upstream.
        let args = self.with_shell(&e.cmd);
        self.commit(format!("ENTRYPOINT {}", go_quote_list(&args)), false);
        self.s.image.config.entrypoint = (!args.is_empty()).then_some(args);
        if !self.cmd_set {
            self.s.image.config.cmd = None;
        }
        Ok(())
    }

    /// HEALTHCHECK: the image health check.
    pub(super) fn healthcheck(&mut self, h: &HealthcheckCommand) -> Result<(), ConvertError> {
        let previous = self.last_healthcheck.replace(h.source.span);
        self.used_once(previous, written_keyword(&h.source.code));
        let health = &h.health;
        self.s.image.config.healthcheck = Some(crate::convert::image::Healthcheck {
            test: health.test.clone(),
            interval: nanos(health.interval),
            timeout: nanos(health.timeout),
            start_period: nanos(health.start_period),
            start_interval: nanos(health.start_interval),
            retries: i64::from(health.retries),
        });
        // BuildKit 0.8's health config has no StartInterval field.
        let with_start_interval = !self.like_buildkit_0_8();
        self.commit(
            format!("HEALTHCHECK {}", health.history_string(with_start_interval)),
            false,
        );
        Ok(())
    }

    /// MAINTAINER: the image author (deprecated upstream).
    pub(super) fn maintainer(&mut self, m: &MaintainerCommand) -> Result<(), ConvertError> {
        self.s.image.author = m.maintainer.text.clone();
        self.commit(format!("MAINTAINER {}", m.maintainer.text), false);
        Ok(())
    }

    /// ONBUILD: a trigger recorded for child builds.
    pub(super) fn onbuild(&mut self, o: &OnbuildCommand) -> Result<(), ConvertError> {
        self.s.image.config.on_build.push(o.expression.clone());
        Ok(())
    }
}

/// Whether `STOPSIGNAL` accepts `raw` (moby's `ParseSignal` on Linux): a non-zero number, or a
/// signal name with or without `SIG`, in any case.
fn is_signal(raw: &str) -> bool {
    const NAMES: [&str; 34] = [
        "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT",
        "KILL", "PIPE", "POLL", "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM",
        "TRAP", "TSTP", "TTIN", "TTOU", "URG", "USR1", "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ",
    ];
    if let Ok(n) = raw.parse::<i64>() {
        return n != 0;
    }
    let upper = raw.to_uppercase();
    let name = upper.strip_prefix("SIG").unwrap_or(&upper);
    let realtime = |base: &str, sign: char, max: u32| {
        name == base || (1..=max).any(|n| name.strip_prefix(base) == Some(&format!("{sign}{n}")))
    };
    NAMES.contains(&name) || realtime("RTMIN", '+', 15) || realtime("RTMAX", '-', 14)
}

fn nanos(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_nanos()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::is_signal;

    #[test]
    fn stop_signals() {
        for ok in [
            "SIGTERM",
            "term",
            "9",
            "-3",
            "RTMIN+3",
            "sigrtmax-14",
            "RTMAX",
        ] {
            assert!(is_signal(ok), "{ok}");
        }
        for bad in ["0", "FOO", "SIG", "RTMIN+16", "RTMAX-15", "RTMIN+03", ""] {
            assert!(!is_signal(bad), "{bad}");
        }
    }
}
