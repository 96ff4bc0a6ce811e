//! Variable expansion of commands, done per stage by the converter (BuildKit's `Expand`).

use crate::dockerfile::{Span, Word};
use crate::shell::ShellError;

use super::commands::{Command, ExposeCommand, KeyValue, SourcesAndDest, Stage};
use super::errors::{InstructionError, InvalidInput};
use super::ports::parse_port_specs;

/// Expands one word (quotes removed, no splitting), e.g. a closure around
/// `shell::Lexer::process_word` with the stage's environment.
pub type Expander<'a> = dyn FnMut(&str) -> Result<String, ShellError> + 'a;

/// Expands and splits one word into several, e.g. around `shell::Lexer::process_words`.
pub type SplitExpander<'a> = dyn FnMut(&str) -> Result<Vec<String>, ShellError> + 'a;

fn expand_word(word: &mut Word, expand: &mut Expander<'_>) -> Result<(), InvalidInput> {
    word.text = expand(&word.text)?;
    Ok(())
}

fn expand_opt(word: &mut Option<Word>, expand: &mut Expander<'_>) -> Result<(), InvalidInput> {
    match word {
        Some(w) => expand_word(w, expand),
        None => Ok(()),
    }
}

fn expand_all(words: &mut [Word], expand: &mut Expander<'_>) -> Result<(), InvalidInput> {
    words.iter_mut().try_for_each(|w| expand_word(w, expand))
}

fn expand_pairs(pairs: &mut [KeyValue], expand: &mut Expander<'_>) -> Result<(), InvalidInput> {
    for pair in pairs {
        expand_word(&mut pair.key, expand)?;
        expand_word(&mut pair.value, expand)?;
    }
    Ok(())
}

impl SourcesAndDest {
    fn expand_paths(&mut self, expand: &mut Expander<'_>) -> Result<(), InvalidInput> {
        expand_all(&mut self.source_paths, expand)?;
        expand_word(&mut self.dest, expand)
    }

    /// Expand the bodies of heredoc sources whose delimiter was not quoted. BuildKit uses an
    /// expander that keeps quotes here (its "raw" mode).
    pub fn expand_contents(&mut self, expand: &mut Expander<'_>) -> Result<(), ShellError> {
        for content in self.source_contents.iter_mut().filter(|c| c.expand) {
            content.data = expand(&content.data)?;
        }
        Ok(())
    }
}

impl Command {
    /// Expand the command's expandable words in place with `expand`, like BuildKit does right
    /// before dispatching the command:
    ///
    /// * ADD: `--chown`, `--chmod`, `--checksum`, source paths, destination;
    /// * COPY: `--chown`, `--chmod`, source paths, destination (not `--from`; `--exclude`
    ///   is taken literally by both, as upstream does);
    /// * ARG, ENV, LABEL: keys and values;
    /// * RUN: every `--mount`, which is then fully parsed into the RUN's mounts
    ///   ([`RunCommand`](crate::instructions::RunCommand));
    /// * USER, WORKDIR, STOPSIGNAL, VOLUME: their arguments.
    ///
    /// CMD, ENTRYPOINT, SHELL, HEALTHCHECK, ONBUILD, MAINTAINER and EXPOSE are left alone (see
    /// [`ExposeCommand::port_specs`] for EXPOSE; heredoc bodies of COPY/ADD are expanded by
    /// [`SourcesAndDest::expand_contents`]).
    pub fn expand(&mut self, expand: &mut Expander<'_>) -> Result<(), InstructionError> {
        let span = self.span();
        self.expand_inner(expand).map_err(|e| e.at(span))
    }

    fn expand_inner(&mut self, expand: &mut Expander<'_>) -> Result<(), InvalidInput> {
        match self {
            Command::Add(c) => {
                c.flags.expand(expand)?;
                c.sources.expand_paths(expand)
            }
            Command::Copy(c) => {
                c.flags.expand(expand)?;
                c.sources.expand_paths(expand)
            }
            Command::Arg(c) => {
                for arg in &mut c.args {
                    expand_word(&mut arg.key, expand)?;
                    expand_opt(&mut arg.value, expand)?;
                }
                Ok(())
            }
            Command::Env(c) => expand_pairs(&mut c.env, expand),
            Command::Label(c) => expand_pairs(&mut c.labels, expand),
            Command::Run(c) => c.flags.expand(expand),
            Command::User(c) => expand_word(&mut c.user, expand),
            Command::Workdir(c) => expand_word(&mut c.path, expand),
            Command::StopSignal(c) => expand_word(&mut c.signal, expand),
            Command::Volume(c) => expand_all(&mut c.volumes, expand),
            Command::Cmd(_)
            | Command::Entrypoint(_)
            | Command::Expose(_)
            | Command::Healthcheck(_)
            | Command::Maintainer(_)
            | Command::Onbuild(_)
            | Command::Shell(_) => Ok(()),
        }
    }
}

impl ExposeCommand {
    /// Expand (with word splitting) and parse the ports: `["80/tcp", "53/udp", …]`.
    pub fn port_specs(
        &self,
        split: &mut SplitExpander<'_>,
    ) -> Result<Vec<String>, InstructionError> {
        let span = self.source.span;
        let at = |e: InvalidInput| e.at(span);
        let mut words = Vec::new();
        for port in &self.ports {
            words.extend(split(&port.text).map_err(|e| at(e.into()))?);
        }
        parse_port_specs(&words).map_err(at)
    }
}

impl Stage {
    /// Expand the base image name and `--platform` (BuildKit does this with the global ARGs).
    pub fn expand_from(&mut self, expand: &mut Expander<'_>) -> Result<(), InstructionError> {
        let span: Span = self.source.span;
        expand_word(&mut self.base_name, expand).map_err(|e| e.at(span))?;
        expand_opt(&mut self.platform, expand).map_err(|e| e.at(span))
    }
}
