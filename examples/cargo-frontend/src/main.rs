//! `cargo-frontend`: started by BuildKit with the gateway connection on stdin/stdout.

use std::io::IsTerminal;
use std::process::ExitCode;

use rustfront_gateway::{FrontendEnv, Gateway};

fn main() -> ExitCode {
    if std::io::stdin().is_terminal() {
        eprintln!(
            "cargo-frontend is a BuildKit frontend: put `# syntax=<this image>` in a Dockerfile \
             next to Cargo.toml and run `docker build .`"
        );
        return ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cargo-frontend: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        let gateway = Gateway::connect_stdio().await?;
        match FrontendEnv::from_process_env() {
            Ok(env) => cargo_frontend::serve(gateway, &env).await,
            Err(e) => {
                let message = e.to_string();
                gateway
                    .return_error(tonic::Code::InvalidArgument, message, vec![])
                    .await
            }
        }
    });
    // Exit without waiting for the runtime: the stdin reader may still be parked. BuildKit
    // takes the outcome from `Return` (sent above) and this exit status.
    match outcome {
        Ok(()) => std::process::exit(0),
        Err(e) => {
            // stderr reaches the daemon's log, not the user.
            eprintln!("cargo-frontend: {e}");
            std::process::exit(1)
        }
    }
}
