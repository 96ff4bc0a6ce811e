//! The single CSV record used by `--mount` and `--device` values (`a=b,"c=d,e"`).

/// Split one CSV line into fields, as Go's `encoding/csv` reads a record: fields are
/// separated by `,`; a field that starts with `"` is quoted, may contain `,`, and writes a
/// literal quote as `""`. A `"` inside an unquoted field is an error.
pub fn split_record(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        let mut field = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => break,
                    Some(c) => field.push(c),
                    None => return Err("extraneous or missing \" in quoted-field".into()),
                }
            }
            match chars.next() {
                None => {
                    fields.push(field);
                    return Ok(fields);
                }
                Some(',') => fields.push(field),
                Some(_) => return Err("extraneous or missing \" in quoted-field".into()),
            }
        } else {
            loop {
                match chars.next() {
                    None => {
                        fields.push(field);
                        return Ok(fields);
                    }
                    Some(',') => {
                        fields.push(field);
                        break;
                    }
                    Some('"') => return Err("bare \" in non-quoted-field".into()),
                    Some(c) => field.push(c),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::split_record;

    #[test]
    fn fields() {
        assert_eq!(split_record("a=b,c").unwrap(), ["a=b", "c"]);
        assert_eq!(split_record("").unwrap(), [""]);
        assert_eq!(split_record("a,").unwrap(), ["a", ""]);
        assert_eq!(split_record(r#""a=b,c",d"#).unwrap(), ["a=b,c", "d"]);
        assert_eq!(split_record(r#""say ""hi""""#).unwrap(), [r#"say "hi""#]);
        assert!(split_record(r#"a"b"#).is_err());
        assert!(split_record(r#""abc"#).is_err());
        assert!(split_record(r#""a"b"#).is_err());
    }
}
