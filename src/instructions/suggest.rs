//! "did you mean …?" hints, as BuildKit adds them to unknown names.

/// Edit distance (insert, delete, substitute all cost 1) between two strings, by characters.
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = substitute.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The closest option (distance below 3), unless `value` is itself an option.
///
/// Case-insensitive matching returns the option in the case style of `value` (all lower, all
/// upper, or as the option is written otherwise, lower-cased).
pub fn closest<'a>(
    value: &str,
    options: impl IntoIterator<Item = &'a str>,
    case_sensitive: bool,
) -> Option<String> {
    let key = if case_sensitive {
        value.to_string()
    } else {
        value.to_lowercase()
    };
    let mut best: Option<String> = None;
    let mut best_distance = 3;
    for option in options {
        let option = if case_sensitive {
            option.to_string()
        } else {
            option.to_lowercase()
        };
        if option == key {
            return None;
        }
        let distance = levenshtein(&key, &option);
        if distance < best_distance {
            best_distance = distance;
            best = Some(if case_sensitive {
                option
            } else {
                match_case(&option, value)
            });
        }
    }
    best
}

fn match_case(option: &str, original: &str) -> String {
    if original == original.to_lowercase() {
        option.to_lowercase()
    } else if original == original.to_uppercase() {
        option.to_uppercase()
    } else {
        option.to_string()
    }
}

/// `message`, followed by ` (did you mean X?)` when some option is close to `value`.
pub(crate) fn with_suggestion<'a>(
    message: String,
    value: &str,
    options: impl IntoIterator<Item = &'a str>,
    case_sensitive: bool,
) -> String {
    match closest(value, options, case_sensitive) {
        Some(hint) => format!("{message} (did you mean {hint}?)"),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance() {
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("form", "from"), 2);
        assert_eq!(levenshtein("héllo", "hello"), 1);
    }

    #[test]
    fn suggestions() {
        let flags = ["chown", "from", "chmod", "link"];
        assert_eq!(closest("form", flags, true).as_deref(), Some("from"));
        assert_eq!(closest("from", flags, true), None);
        assert_eq!(closest("zzzzzz", flags, true), None);
        let names = ["RUN", "COPY"];
        assert_eq!(closest("RUNN", names, false).as_deref(), Some("RUN"));
        assert_eq!(closest("runn", names, false).as_deref(), Some("run"));
        assert_eq!(closest("Runn", names, false).as_deref(), Some("run"));
        assert_eq!(
            with_suggestion("unknown flag: --form".into(), "form", flags, true),
            "unknown flag: --form (did you mean from?)"
        );
    }
}
