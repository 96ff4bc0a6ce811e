//! The size limit of the definition BuildKit accepts: a running lower bound of the LLB's
//! encoded size, checked as instructions are converted, so that a Dockerfile whose LLB could
//! never be sent is refused early (with little memory) rather than converted whole. BuildKit's
//! gateway server (`frontend/gateway/gateway.go`) takes at most 4 MiB per request before
//! v0.14 and 16 MiB from v0.14 on; the Dockerfile frontend has no such check of its own.

use std::collections::HashSet;

use crate::llb::Output;

/// `bytes` in MiB, with one decimal unless whole: `4 MiB`, `17.3 MiB`.
pub fn mib(bytes: usize) -> String {
    // Precision loss is irrelevant for a size shown with one decimal.
    #[allow(clippy::cast_precision_loss)]
    let value = bytes as f64 / f64::from(1u32 << 20);
    if bytes % (1 << 20) == 0 {
        format!("{value:.0} MiB")
    } else {
        format!("{value:.1} MiB")
    }
}

/// The error for a definition of `size` (`None`: known only to be bigger than `limit`).
pub fn definition_too_large(size: Option<usize>, limit: usize) -> String {
    let what = match size {
        Some(size) => format!("the LLB for this Dockerfile is {}", mib(size)),
        None => format!("the LLB for this Dockerfile grows past {} here", mib(limit)),
    };
    too_large(&what, limit)
}

/// The error for a Dockerfile of `len` bytes: the definition carries it whole (the source
/// map of error snippets), so it alone must fit.
pub fn dockerfile_too_large(len: usize, limit: usize) -> String {
    too_large(
        &format!(
            "the Dockerfile is {} and its LLB carries it whole",
            mib(len)
        ),
        limit,
    )
}

fn too_large(what: &str, limit: usize) -> String {
    let newer = if limit < 16 << 20 {
        " (BuildKit v0.14 and later: 16 MiB)"
    } else {
        ""
    };
    format!(
        "{what}; BuildKit accepts at most {} per build request{newer}",
        mib(limit)
    )
}

/// A lower bound of the definition's size: the Dockerfile (sent whole as the source map) and
/// each distinct op with its progress name and command text, counted once.
pub(crate) struct Budget {
    limit: usize,
    used: usize,
    counted: HashSet<String>,
}

impl Budget {
    /// A budget of `limit` bytes, of which the Dockerfile (`source_len`) is already used.
    pub(crate) fn new(limit: usize, source_len: usize) -> Self {
        Budget {
            limit,
            used: source_len,
            counted: HashSet::new(),
        }
    }

    /// Whether what was counted so far already exceeds the limit.
    pub(crate) fn exceeded(&self) -> bool {
        self.used > self.limit
    }

    pub(crate) fn limit(&self) -> usize {
        self.limit
    }

    /// Counts `output`'s op unless an op with its digest was counted already.
    pub(crate) fn add(&mut self, output: &Output) {
        if self.counted.insert(output.digest().to_owned()) {
            let described: usize = output.meta().description.values().map(String::len).sum();
            self.used = self.used.saturating_add(output.op_len() + described);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_size_and_limit() {
        assert_eq!(
            definition_too_large(Some((5 << 20) + (1 << 19)), 4 << 20),
            "the LLB for this Dockerfile is 5.5 MiB; BuildKit accepts at most 4 MiB per build \
             request (BuildKit v0.14 and later: 16 MiB)"
        );
        assert_eq!(
            definition_too_large(None, 16 << 20),
            "the LLB for this Dockerfile grows past 16 MiB here; BuildKit accepts at most 16 MiB \
             per build request"
        );
        assert_eq!(
            dockerfile_too_large(17 << 20, 16 << 20),
            "the Dockerfile is 17 MiB and its LLB carries it whole; BuildKit accepts at most \
             16 MiB per build request"
        );
    }

    #[test]
    fn ops_count_once() {
        let op = crate::llb::Image::new("alpine").build().expect("image op");
        let mut budget = Budget::new(op.op_len() + 10, 10);
        budget.add(&op);
        budget.add(&op.clone());
        assert!(!budget.exceeded());
        budget.used += 1;
        assert!(budget.exceeded());
    }
}
