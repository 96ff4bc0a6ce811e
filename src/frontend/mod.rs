//! The docker-UX layer: option keys, loading the Dockerfile and `.dockerignore`, forwarding
//! to another frontend, and orchestrating conversion, solve and return.

mod build;
mod contexts;
pub mod dockerignore;
mod images;
mod include;
mod load;
pub mod options;
mod remote;
mod requests;
pub mod subrequests;

pub use build::{FrontendError, build};
pub use options::{BuildOptions, NetworkMode, NoCache, OptionError, ResolveMode};

use crate::gateway::{FrontendEnv, Gateway, GatewayError};

/// Serve one build over an established gateway connection: build, then call `Return` exactly
/// once with the result or the error the user should see.
pub async fn serve(gateway: Gateway, env: &FrontendEnv) -> Result<(), GatewayError> {
    let client = gateway.client();
    match build(&client, env).await {
        Ok(result) => gateway.return_result(result).await,
        Err(error) => {
            eprintln!("rustfront: build failed: {error}");
            gateway.return_status(error.to_status()).await
        }
    }
}
