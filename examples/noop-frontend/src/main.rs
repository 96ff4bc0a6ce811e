//! `noop-frontend`: what BuildKit charges any gateway frontend, measured by `bench/`.
//!
//! It reads no option, no Dockerfile and no image config: it connects, returns an empty image
//! (a scratch ref and a minimal config) and exits. The time and memory a build through it costs
//! over the builtin frontend is the floor under every frontend image, rustfront included.

use std::process::ExitCode;

use rustfront_gateway::proto::pb;
use rustfront_gateway::result::{PlatformImage, image_result, platform_id};
use rustfront_gateway::{FrontendEnv, Gateway};

fn main() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("noop-frontend: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        let gateway = Gateway::connect_stdio().await?;
        // the worker's platform (the environment BuildKit gives every frontend)
        let platform = FrontendEnv::from_process_env()
            .ok()
            .and_then(|env| env.build_platform().cloned())
            .unwrap_or_else(|| pb::Platform {
                os: "linux".into(),
                architecture: "amd64".into(),
                ..pb::Platform::default()
            });
        let config = format!(
            r#"{{"architecture":"{}","os":"{}","rootfs":{{"type":"layers","diff_ids":[]}},"config":{{}}}}"#,
            platform.architecture, platform.os
        );
        let image = PlatformImage {
            id: platform_id(&platform),
            platform,
            config: config.into_bytes(),
            ..PlatformImage::default()
        };
        gateway.return_result(image_result(image)).await
    });
    match outcome {
        // exit at once: the stdin reader may still be parked
        Ok(()) => std::process::exit(0),
        Err(e) => {
            eprintln!("noop-frontend: {e}");
            std::process::exit(1)
        }
    }
}
