//! The rules of docker/dockerfile's build checks, with upstream's names, descriptions, links
//! and messages. Where a rule is checked is named on each: the parser, the instruction layer,
//! the plan or the dispatch of a stage.

use super::Rule;

const fn rule(name: &'static str, description: &'static str, url: &'static str) -> Rule {
    Rule {
        name,
        description,
        url,
        experimental: false,
    }
}

/// Every rule, in upstream's order.
pub const ALL: [&Rule; 22] = [
    &STAGE_NAME_CASING,
    &FROM_AS_CASING,
    &NO_EMPTY_CONTINUATION,
    &CONSISTENT_INSTRUCTION_CASING,
    &DUPLICATE_STAGE_NAME,
    &RESERVED_STAGE_NAME,
    &JSON_ARGS_RECOMMENDED,
    &MAINTAINER_DEPRECATED,
    &UNDEFINED_ARG_IN_FROM,
    &WORKDIR_RELATIVE_PATH,
    &UNDEFINED_VAR,
    &MULTIPLE_INSTRUCTIONS_DISALLOWED,
    &LEGACY_KEY_VALUE_FORMAT,
    &INVALID_BASE_IMAGE_PLATFORM,
    &REDUNDANT_TARGET_PLATFORM,
    &SECRETS_USED_IN_ARG_OR_ENV,
    &INVALID_DEFAULT_ARG_IN_FROM,
    &FROM_PLATFORM_FLAG_CONST_DISALLOWED,
    &COPY_IGNORED_FILE,
    &INVALID_DEFINITION_DESCRIPTION,
    &EXPOSE_PROTO_CASING,
    &EXPOSE_INVALID_FORMAT,
];

/// Instruction layer: `FROM image AS Name`.
pub const STAGE_NAME_CASING: Rule = rule(
    "StageNameCasing",
    "Stage names should be lowercase",
    "https://docs.docker.com/go/dockerfile/rule/stage-name-casing/",
);
pub fn stage_name_casing(name: &str) -> String {
    format!("Stage name '{name}' should be lowercase")
}

/// Instruction layer: `FROM image as name`.
pub const FROM_AS_CASING: Rule = rule(
    "FromAsCasing",
    "The 'as' keyword should match the case of the 'from' keyword",
    "https://docs.docker.com/go/dockerfile/rule/from-as-casing/",
);
pub fn from_as_casing(as_keyword: &str, from_keyword: &str) -> String {
    format!("'{as_keyword}' and '{from_keyword}' keywords' casing do not match")
}

/// Parser: an empty line inside a continued instruction.
pub const NO_EMPTY_CONTINUATION: Rule = rule(
    "NoEmptyContinuation",
    "Empty continuation lines will become errors in a future release",
    "https://docs.docker.com/go/dockerfile/rule/no-empty-continuation/",
);
pub fn no_empty_continuation() -> String {
    "Empty continuation line".into()
}

/// Plan: instruction keywords in mixed or minority casing.
pub const CONSISTENT_INSTRUCTION_CASING: Rule = rule(
    "ConsistentInstructionCasing",
    "All commands within the Dockerfile should use the same casing (either upper or lower)",
    "https://docs.docker.com/go/dockerfile/rule/consistent-instruction-casing/",
);
pub fn consistent_instruction_casing(command: &str, casing: &str) -> String {
    format!("Command '{command}' should match the case of the command majority ({casing})")
}

/// Plan: two stages of the same name.
pub const DUPLICATE_STAGE_NAME: Rule = rule(
    "DuplicateStageName",
    "Stage names should be unique",
    "https://docs.docker.com/go/dockerfile/rule/duplicate-stage-name/",
);
pub fn duplicate_stage_name(name: &str) -> String {
    format!("Duplicate stage name {name:?}, stage names should be unique")
}

/// Plan: a stage named `context` or `scratch`.
pub const RESERVED_STAGE_NAME: Rule = rule(
    "ReservedStageName",
    "Reserved words should not be used as stage names",
    "https://docs.docker.com/go/dockerfile/rule/reserved-stage-name/",
);
pub fn reserved_stage_name(name: &str) -> String {
    format!("Stage name should not use the same name as reserved stage {name:?}")
}

/// Dispatch: shell-form CMD or ENTRYPOINT without a SHELL.
pub const JSON_ARGS_RECOMMENDED: Rule = rule(
    "JSONArgsRecommended",
    "JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals",
    "https://docs.docker.com/go/dockerfile/rule/json-args-recommended/",
);
pub fn json_args_recommended(instruction: &str) -> String {
    format!(
        "JSON arguments recommended for {instruction} to prevent unintended behavior related to OS signals"
    )
}

/// Instruction layer: MAINTAINER.
pub const MAINTAINER_DEPRECATED: Rule = rule(
    "MaintainerDeprecated",
    "The MAINTAINER instruction is deprecated, use a label instead to define an image author",
    "https://docs.docker.com/go/dockerfile/rule/maintainer-deprecated/",
);
pub fn maintainer_deprecated() -> String {
    "Maintainer instruction is deprecated in favor of using label".into()
}

/// Plan: a FROM using a variable no global ARG declares.
pub const UNDEFINED_ARG_IN_FROM: Rule = rule(
    "UndefinedArgInFrom",
    "FROM command must use declared ARGs",
    "https://docs.docker.com/go/dockerfile/rule/undefined-arg-in-from/",
);
pub fn undefined_arg_in_from(arg: &str, suggestion: Option<&str>) -> String {
    let mut out = format!("FROM argument '{arg}' is not declared");
    if let Some(s) = suggestion {
        out.push_str(&format!(" (did you mean {s}?)"));
    }
    out
}

/// Dispatch: the first WORKDIR of the build is relative.
pub const WORKDIR_RELATIVE_PATH: Rule = rule(
    "WorkdirRelativePath",
    "Relative workdir without an absolute workdir declared within the build can have unexpected results if the base image changes",
    "https://docs.docker.com/go/dockerfile/rule/workdir-relative-path/",
);
pub fn workdir_relative_path(workdir: &str) -> String {
    format!("Relative workdir {workdir:?} can have unexpected results if the base image changes")
}

/// Dispatch: a variable used before it is defined.
pub const UNDEFINED_VAR: Rule = rule(
    "UndefinedVar",
    "Variables should be defined before their use",
    "https://docs.docker.com/go/dockerfile/rule/undefined-var/",
);
pub fn undefined_var(var: &str, suggestion: Option<&str>) -> String {
    let mut out = format!("Usage of undefined variable '${var}'");
    if let Some(s) = suggestion {
        out.push_str(&format!(" (did you mean ${s}?)"));
    }
    out
}

/// Dispatch: a second CMD, ENTRYPOINT or HEALTHCHECK in a stage.
pub const MULTIPLE_INSTRUCTIONS_DISALLOWED: Rule = rule(
    "MultipleInstructionsDisallowed",
    "Multiple instructions of the same type should not be used in the same stage",
    "https://docs.docker.com/go/dockerfile/rule/multiple-instructions-disallowed/",
);
pub fn multiple_instructions_disallowed(instruction: &str) -> String {
    format!(
        "Multiple {instruction} instructions should not be used in the same stage because only the last one will be used"
    )
}

/// Dispatch: `ENV key value` / `LABEL key value`.
pub const LEGACY_KEY_VALUE_FORMAT: Rule = rule(
    "LegacyKeyValueFormat",
    "Legacy key/value format with whitespace separator should not be used",
    "https://docs.docker.com/go/dockerfile/rule/legacy-key-value-format/",
);
pub fn legacy_key_value_format(command: &str) -> String {
    format!(
        "\"{command} key=value\" should be used instead of legacy \"{command} key value\" format"
    )
}

/// Dispatch: a base image of another platform than the stage's.
pub const INVALID_BASE_IMAGE_PLATFORM: Rule = rule(
    "InvalidBaseImagePlatform",
    "Base image platform does not match expected target platform",
    "",
);
pub fn invalid_base_image_platform(image: &str, expected: &str, actual: &str) -> String {
    format!(
        "Base image {image} was pulled with platform {actual:?}, expected {expected:?} for current build"
    )
}

/// Plan: `FROM --platform=$TARGETPLATFORM`.
pub const REDUNDANT_TARGET_PLATFORM: Rule = rule(
    "RedundantTargetPlatform",
    "Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior",
    "https://docs.docker.com/go/dockerfile/rule/redundant-target-platform/",
);
pub fn redundant_target_platform(platform_var: &str) -> String {
    format!(
        "Setting platform to predefined {platform_var} in FROM is redundant as this is the default behavior"
    )
}

/// Dispatch: an ARG or ENV whose name looks like a secret.
pub const SECRETS_USED_IN_ARG_OR_ENV: Rule = rule(
    "SecretsUsedInArgOrEnv",
    "Sensitive data should not be used in the ARG or ENV commands",
    "https://docs.docker.com/go/dockerfile/rule/secrets-used-in-arg-or-env/",
);
pub fn secrets_used_in_arg_or_env(instruction: &str, key: &str) -> String {
    format!("Do not use ARG or ENV instructions for sensitive data ({instruction} {key:?})")
}

/// Plan: a FROM that the global ARGs' defaults make empty or invalid.
pub const INVALID_DEFAULT_ARG_IN_FROM: Rule = rule(
    "InvalidDefaultArgInFrom",
    "Default value for global ARG results in an empty or invalid base image name",
    "https://docs.docker.com/go/dockerfile/rule/invalid-default-arg-in-from/",
);
pub fn invalid_default_arg_in_from(base_name: &str) -> String {
    format!("Default value for ARG {base_name} results in empty or invalid base image name")
}

/// Plan: `FROM --platform=linux/amd64` (a constant).
pub const FROM_PLATFORM_FLAG_CONST_DISALLOWED: Rule = rule(
    "FromPlatformFlagConstDisallowed",
    "FROM --platform flag should not use a constant value",
    "https://docs.docker.com/go/dockerfile/rule/from-platform-flag-const-disallowed/",
);
pub fn from_platform_flag_const_disallowed(platform: &str) -> String {
    format!("FROM --platform flag should not use constant value {platform:?}")
}

/// Dispatch (experimental): COPY/ADD of a file `.dockerignore` excludes.
pub const COPY_IGNORED_FILE: Rule = Rule {
    experimental: true,
    ..rule(
        "CopyIgnoredFile",
        "Attempting to Copy file that is excluded by .dockerignore",
        "https://docs.docker.com/go/dockerfile/rule/copy-ignored-file/",
    )
};

pub fn copy_ignored_file(command: &str, file: &str) -> String {
    format!("Attempting to {command} file {file:?} that is excluded by .dockerignore")
}

/// Instruction layer (experimental): a comment above FROM/ARG not naming it.
pub const INVALID_DEFINITION_DESCRIPTION: Rule = Rule {
    experimental: true,
    ..rule(
        "InvalidDefinitionDescription",
        "Comment for build stage or argument should follow the format: `# <arg/stage name> <description>`. If this is not intended to be a description comment, add an empty line or comment between the instruction and the comment.",
        "https://docs.docker.com/go/dockerfile/rule/invalid-definition-description/",
    )
};
pub fn invalid_definition_description(instruction: &str, name: &str) -> String {
    format!("Comment for {instruction} should follow the format: `# {name} <description>`")
}

/// Dispatch: `EXPOSE 80/TCP`.
pub const EXPOSE_PROTO_CASING: Rule = rule(
    "ExposeProtoCasing",
    "Protocol in EXPOSE instruction should be lowercase",
    "https://docs.docker.com/go/dockerfile/rule/expose-proto-casing/",
);
pub fn expose_proto_casing(port: &str) -> String {
    format!("Defined protocol '{port}' in EXPOSE instruction should be lowercase")
}

/// Dispatch: `EXPOSE 127.0.0.1:80:80`.
pub const EXPOSE_INVALID_FORMAT: Rule = rule(
    "ExposeInvalidFormat",
    "IP address and host-port mapping should not be used in EXPOSE instruction. This will become an error in a future release",
    "https://docs.docker.com/go/dockerfile/rule/expose-invalid-format/",
);
pub fn expose_invalid_format(port: &str) -> String {
    format!(
        "EXPOSE instruction should not define an IP address or host-port mapping, found '{port}'"
    )
}
