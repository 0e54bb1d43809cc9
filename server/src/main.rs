//! `cargo run -p enswitch-people-server -- [--address ADDR] [--database FILE|URL]
//! [--argon2-memory KIB] [--argon2-iterations N] [--argon2-lanes N] [--web DIR]
//! [--header-timeout S] [--body-timeout S] [--max-connections N] [--session-idle S]
//! [--shutdown-timeout S] [--synchronous normal|full] [--trusted-proxy LIST]`

use std::process::ExitCode;

use enswitch_people_server::Config;
use enswitch_people_server::auth::Cost;
use enswitch_people_server::store::Synchronous;

const USAGE: &str = "usage: enswitch-people-server [--address 127.0.0.1:8080] \
[--database enswitch-people.sqlite|postgres://…] [--argon2-memory KIB] [--argon2-iterations N] \
[--argon2-lanes N] [--web DIR] [--header-timeout S] [--body-timeout S] \
[--max-connections N] [--session-idle S] [--shutdown-timeout S] [--synchronous normal|full] \
[--trusted-proxy ADDRESSES]";

fn config(mut args: impl Iterator<Item = String>) -> Result<Config, String> {
    let mut config = Config::default();
    let mut cost = Cost::OWASP;
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        let number = |v: String| {
            v.parse::<u32>()
                .ok()
                .filter(|&n| n > 0)
                .ok_or(format!("{flag}: not a whole number above 0"))
        };
        match flag.as_str() {
            "--address" => {
                config.address = value()?.parse().map_err(|_| "--address: not ADDR:PORT")?;
            }
            "--database" => config.database = value()?,
            "--argon2-memory" => cost.memory_kib = number(value()?)?,
            "--argon2-iterations" => cost.iterations = number(value()?)?,
            "--argon2-lanes" => cost.lanes = number(value()?)?,
            "--web" => config.web = value()?.into(),
            "--header-timeout" => config.limits.header_seconds = number(value()?)?.into(),
            "--body-timeout" => config.limits.body_seconds = number(value()?)?.into(),
            "--max-connections" => config.limits.connections = number(value()?)? as usize,
            "--synchronous" => {
                config.synchronous = match value()?.as_str() {
                    "normal" => Synchronous::Normal,
                    "full" => Synchronous::Full,
                    _ => return Err("--synchronous: normal or full".to_owned()),
                };
            }
            "--shutdown-timeout" => config.limits.shutdown_seconds = number(value()?)?.into(),
            "--trusted-proxy" => {
                // Repeated, the lists add up.
                let mut list = config
                    .trusted_proxies
                    .map_or_else(String::new, |l| format!("{l}, "));
                list.push_str(&value()?);
                let parsed = list.parse().map_err(|e| format!("--trusted-proxy: {e}"))?;
                config.trusted_proxies = Some(parsed);
            }
            "--session-idle" => config.limits.session_idle_seconds = number(value()?)?.into(),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    argon2::Params::new(cost.memory_kib, cost.iterations, cost.lanes, None)
        .map_err(|e| format!("argon2 cost: {e}"))?;
    config.cost = cost;
    Ok(config)
}

fn main() -> ExitCode {
    let config = match config(std::env::args().skip(1)) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("enswitch-people-server: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("enswitch-people-server: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(enswitch_people_server::serve(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("enswitch-people-server: {e}");
            ExitCode::FAILURE
        }
    }
}
