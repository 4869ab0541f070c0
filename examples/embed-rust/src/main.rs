//! A host program with its own frame loop whose update and draw logic lives in `logic.ln`,
//! hot-reloaded while it runs: edit `logic.ln` and save, and the next frame runs the new
//! code with the ball where it was.
//!
//!     cargo run -p embed-rust                     # runs until Ctrl-C
//!     cargo run -p embed-rust -- --frames 100     # 100 frames, then exits (CI)

use std::time::{Duration, Instant};

use lang_runtime_hot::engine::{Engine, Reload};

fn main() {
    let arguments: Vec<String> = std::env::args().collect();
    let frames: Option<u64> = arguments
        .iter()
        .position(|argument| argument == "--frames")
        .and_then(|index| arguments.get(index + 1))
        .and_then(|count| count.parse().ok());
    let script = std::env::var("LOGIC").unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/logic.ln").into());
    let mut engine = match Engine::builder().hmr(true).load_path(&script) {
        Ok(engine) => engine,
        Err(error) => {
            eprintln!("{error}");
            std::process::exit(1);
        }
    };
    let frame_time = Duration::from_millis(if frames.is_some() { 1 } else { 50 });
    let mut frame = 0u64;
    let mut last = Instant::now();
    while frames.is_none_or(|limit| frame < limit) {
        // The host decides when a new version of the script takes over: between frames.
        match engine.poll_reload() {
            Reload::Nothing => {}
            Reload::Reloaded(modules) => eprintln!("[host] reloaded {}", modules.join(", ")),
            Reload::Rejected(diagnostics) => eprint!("{diagnostics}"),
            Reload::Failed(report) => eprint!("{report}"),
        }
        let dt = if frames.is_some() {
            0.05
        } else {
            last.elapsed().as_secs_f64()
        };
        last = Instant::now();
        // A runtime error in the script is a value: report it and keep the loop going.
        let bounces = engine.call::<(f64,), i64>("update", (dt,)).unwrap_or_else(|error| {
            eprintln!("{error}");
            -1
        });
        let picture = engine
            .call::<(), String>("draw", ())
            .unwrap_or_else(|error| error.to_string());
        println!("{picture} bounces {bounces}");
        frame += 1;
        std::thread::sleep(frame_time);
    }
    let position: f64 = engine.get("x").unwrap_or(f64::NAN);
    println!("host: {frame} frames, ball at {position:.2}");
}
