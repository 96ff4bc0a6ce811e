//! `COPY`/`ADD --chmod`: octal modes as the copy's mode; symbolic ones (`u+x`, `go-w`) as its
//! mode string, which needs a daemon with `file.copy.modestring` (BuildKit 0.17). Shown in the
//! history (not on BuildKit 0.8, whose builtin leaves it out).

use super::{ConvertFileFlag, CopyStep};
use crate::convert::ConvertError;
use crate::convert::dispatch::StageRun;
use crate::instructions::CopyChmod;
use crate::llb;

impl ConvertFileFlag for CopyChmod {
    fn apply(
        &self,
        run: &mut StageRun<'_, '_>,
        step: &mut CopyStep<'_>,
    ) -> Result<(), ConvertError> {
        let Some(chmod) = self
            .0
            .as_ref()
            .map(|w| w.text.as_str())
            .filter(|c| !c.is_empty())
        else {
            return Ok(());
        };
        match parse_chmod(chmod).map_err(|m| ConvertError::at(step.span, m))? {
            Chmod::Octal(mode) => step.mode = Some(mode),
            Chmod::Symbolic(mode) => {
                if !run.d.opts.has_cap(llb::caps::FILE_COPY_MODE_STRING) {
                    return Err(ConvertError::at(
                        step.span,
                        format!(
                            "--chmod={mode} needs a BuildKit that applies symbolic modes (0.17 or later)"
                        ),
                    ));
                }
                step.symbolic_mode = Some(mode);
            }
        }
        step.chmod = Some(chmod.to_string());
        if !run.like_buildkit_0_8() {
            step.history_flags.push(format!("--chmod={chmod}"));
        }
        Ok(())
    }
}

/// A `--chmod` value: octal, or symbolic (applied by the daemon).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Chmod {
    Octal(u32),
    Symbolic(String),
}

/// `--chmod` as upstream reads it: a number is octal up to 07777; anything else must be a
/// symbolic mode (`u+x`, `go-w,a+r`, `=rw`).
fn parse_chmod(value: &str) -> Result<Chmod, String> {
    let not_octal = || {
        format!(
            "invalid chmod parameter: '{value}'. it should be octal string and between 0 and 07777"
        )
    };
    if value.starts_with(|c: char| c.is_ascii_digit()) || value.parse::<i64>().is_ok() {
        return u32::from_str_radix(value, 8)
            .ok()
            .filter(|m| *m <= 0o7777)
            .map(Chmod::Octal)
            .ok_or_else(not_octal);
    }
    if is_symbolic_mode(value) {
        Ok(Chmod::Symbolic(value.to_string()))
    } else {
        Err("invalid syntax".into())
    }
}

/// The grammar of chmod(1) symbolic modes: clauses `[ugoa]*([-+=][rwxXstugo]*)+` joined by
/// commas.
fn is_symbolic_mode(mode: &str) -> bool {
    let mut rest = mode.as_bytes();
    loop {
        while let [b'u' | b'g' | b'o' | b'a', tail @ ..] = rest {
            rest = tail;
        }
        // At least one operator, each followed by any permissions.
        let mut operators = 0;
        while let [b'+' | b'-' | b'=', tail @ ..] = rest {
            operators += 1;
            rest = tail;
            while let [
                b'r' | b'w' | b'x' | b'X' | b's' | b't' | b'u' | b'g' | b'o',
                tail @ ..,
            ] = rest
            {
                rest = tail;
            }
        }
        match rest {
            _ if operators == 0 => return false,
            [] => return true,
            [b',', tail @ ..] => rest = tail,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chmod_values() {
        assert_eq!(parse_chmod("755"), Ok(Chmod::Octal(0o755)));
        assert_eq!(parse_chmod("0644"), Ok(Chmod::Octal(0o644)));
        assert!(parse_chmod("17777").is_err());
        assert!(parse_chmod("8").is_err());
        for symbolic in [
            "u+x",
            "+x",
            "go-w,a+r",
            "=rw",
            "u=rwx,g=rx,o=",
            "u+",
            "a+X",
            "u=g",
        ] {
            assert_eq!(
                parse_chmod(symbolic),
                Ok(Chmod::Symbolic(symbolic.into())),
                "{symbolic}"
            );
        }
        for bad in ["u", "x+", "u+q", "u+x,", ",u+x", "+x y"] {
            assert_eq!(parse_chmod(bad), Err("invalid syntax".into()), "{bad}");
        }
    }
}
