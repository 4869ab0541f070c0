//! The embedding API end to end: load, call with each type, errors, variables, and hot
//! reloads applied when the host polls. One engine per process, so one test drives it all.

use std::time::{Duration, Instant};

use std::cell::RefCell;
use std::rc::Rc;

use lang_runtime_hot::engine::{Engine, Error, Reload, Value, ValueType};

const GAME: &str = "import host\n\nvar frames = 0\nvar name = \"ship\"\nlet SPEED = 2.5\n\nfn update(dt: float) -> int {\n    frames += 1\n    return frames\n}\n\nfn position(t: float) -> float {\n    return t * SPEED\n}\n\nfn greet(who: str, times: int) -> str {\n    var out = \"\"\n    for i in 0..times {\n        out += \"hi \" + who + \" \"\n    }\n    return out\n}\n\nfn is_even(n: int) -> bool {\n    return n % 2 == 0\n}\n\nfn crash(n: int) -> int {\n    return 10 / n\n}\n\nfn mixed(a: int, x: float, b: bool, y: float, s: str) -> str {\n    return \"{a} {x} {b} {y} {s}\"\n}\n\nfn report(n: int) -> float {\n    host.say(\"frame {n}\")\n    return host.scale(float(n), 0.5) + float(host.answer())\n}\n\nfn main() {\n}\n";

fn poll_until(engine: &mut Engine, what: &str, done: impl Fn(&Reload) -> bool) -> Reload {
    let started = Instant::now();
    loop {
        let reload = engine.poll_reload();
        if done(&reload) {
            return reload;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_host_drives_a_program_and_applies_reloads_when_it_polls() {
    let scratch = tempfile::tempdir().unwrap();
    let folder = scratch.path();
    let main = folder.join("game.ln");
    std::fs::write(&main, GAME).unwrap();
    let logged = Rc::new(RefCell::new(Vec::new()));
    let sink = logged.clone();
    let mut engine = Engine::builder()
        .hmr(true)
        .function("say", &[ValueType::Str], None, move |args| {
            if let [Value::Str(text)] = args {
                sink.borrow_mut().push(text.clone());
            }
            Ok(None)
        })
        .function(
            "scale",
            &[ValueType::Float, ValueType::Float],
            Some(ValueType::Float),
            |args| match args {
                [Value::Float(x), Value::Float(factor)] if *factor > 0.0 => Ok(Some(Value::Float(x * factor))),
                _ => Err("scale: the factor must be positive".to_string()),
            },
        )
        .function("answer", &[], Some(ValueType::Int), |_| Ok(Some(Value::Int(42))))
        .load_path(&main)
        .expect("the program loads");

    // Scripts call host functions, type-checked against their declarations.
    assert_eq!(engine.call::<(i64,), f64>("report", (8,)), Ok(46.0));
    assert_eq!(*logged.borrow(), vec!["frame 8".to_string()]);

    // Calls with each type, results included; state persists between calls.
    assert_eq!(engine.call::<(f64,), i64>("update", (0.016,)), Ok(1));
    assert_eq!(engine.call::<(f64,), i64>("update", (0.016,)), Ok(2));
    assert_eq!(engine.call::<(f64,), f64>("position", (2.0,)), Ok(5.0));
    assert_eq!(
        engine.call::<(String, i64), String>("greet", ("you".to_string(), 2)),
        Ok("hi you hi you ".to_string())
    );
    assert_eq!(engine.call::<(i64,), bool>("is_even", (4,)), Ok(true));
    assert_eq!(
        engine.call::<(i64, f64, bool, f64, String), String>("mixed", (1, 2.5, true, -0.5, "s".into())),
        Ok("1 2.5 true -0.5 s".to_string())
    );
    assert_eq!(engine.call::<(), ()>("main", ()), Ok(()));

    // Errors: a missing function, a wrong signature, a runtime error; the engine goes on.
    assert!(matches!(
        engine.call::<(), ()>("nope", ()),
        Err(Error::NoSuchFunction { .. })
    ));
    match engine.call::<(i64,), i64>("update", (1,)) {
        Err(Error::NoSuchFunction { found, .. }) => assert_eq!(found, vec!["fn(float) -> int".to_string()]),
        other => panic!("expected a signature error, got {other:?}"),
    }
    match engine.call::<(i64,), i64>("crash", (0,)) {
        Err(Error::Runtime(report)) => {
            assert!(report.starts_with("error: division by zero\n  --> "), "{report}");
            assert!(report.contains("game.ln:"), "{report}");
        }
        other => panic!("expected a runtime error, got {other:?}"),
    }
    assert_eq!(engine.call::<(i64,), i64>("crash", (5,)), Ok(2));

    // Variables: read, write, wrong type.
    assert_eq!(engine.get::<i64>("frames"), Ok(2));
    engine.set("frames", 40i64).unwrap();
    assert_eq!(engine.call::<(f64,), i64>("update", (0.016,)), Ok(41));
    assert_eq!(engine.get::<String>("name"), Ok("ship".to_string()));
    engine.set("name", "boat".to_string()).unwrap();
    assert_eq!(engine.get::<String>("name"), Ok("boat".to_string()));
    assert!(matches!(engine.get::<f64>("frames"), Err(Error::NoSuchVariable { .. })));
    assert!(matches!(
        engine.get::<i64>("missing"),
        Err(Error::NoSuchVariable { .. })
    ));

    // Nothing changed: polling does nothing.
    assert_eq!(engine.poll_reload(), Reload::Nothing);

    // A save: nothing changes until the host polls; then the new code runs with the state.
    std::fs::write(&main, GAME.replace("frames += 1", "frames += 10")).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        engine.call::<(f64,), i64>("update", (0.016,)),
        Ok(42),
        "not applied before the poll"
    );
    let reload = poll_until(&mut engine, "the reload", |reload| *reload != Reload::Nothing);
    match &reload {
        Reload::Reloaded(modules) => {
            assert!(modules.len() == 1 && modules[0].ends_with("game.ln v2"), "{modules:?}")
        }
        other => panic!("expected a reload, got {other:?}"),
    }
    assert_eq!(engine.call::<(f64,), i64>("update", (0.016,)), Ok(52));
    assert_eq!(engine.get::<String>("name"), Ok("boat".to_string()));

    // A compile error is reported by the poll; the running version goes on.
    std::fs::write(&main, GAME.replace("frames += 1", "frames += ")).unwrap();
    let reload = poll_until(&mut engine, "the rejection", |reload| *reload != Reload::Nothing);
    match reload {
        Reload::Rejected(diagnostics) => assert!(diagnostics.contains("game.ln"), "{diagnostics}"),
        other => panic!("expected a rejection, got {other:?}"),
    }
    assert_eq!(engine.call::<(f64,), i64>("update", (0.016,)), Ok(62));

    // A fix with a runtime error in it: the call fails, the host keeps going, and the next
    // fix works with the state intact.
    std::fs::write(&main, GAME.replace("frames += 1", "frames += 100 / (frames - frames)")).unwrap();
    poll_until(&mut engine, "the second reload", |reload| {
        matches!(reload, Reload::Reloaded(_))
    });
    assert!(matches!(
        engine.call::<(f64,), i64>("update", (0.016,)),
        Err(Error::Runtime(_))
    ));
    std::fs::write(&main, GAME.replace("frames += 1", "frames += 3")).unwrap();
    poll_until(&mut engine, "the third reload", |reload| {
        matches!(reload, Reload::Reloaded(_))
    });
    assert_eq!(engine.call::<(f64,), i64>("update", (0.016,)), Ok(65));

    // Host functions survive reloads, and a host function's error is a runtime error in
    // the script, at the call.
    assert_eq!(engine.call::<(i64,), f64>("report", (2,)), Ok(43.0));
    std::fs::write(
        &main,
        GAME.replace("frames += 1", "frames += 3")
            .replace("float(n), 0.5", "float(n), -1.0"),
    )
    .unwrap();
    poll_until(&mut engine, "the fourth reload", |reload| {
        matches!(reload, Reload::Reloaded(_))
    });
    match engine.call::<(i64,), f64>("report", (2,)) {
        Err(Error::Runtime(report)) => assert!(report.contains("scale: the factor must be positive"), "{report}"),
        other => panic!("expected the host's error, got {other:?}"),
    }
    assert_eq!(logged.borrow().len(), 3);

    // Only one engine per process.
    let second = Engine::builder().load_sources(&[("other.ln", "fn main() {\n}\n")]);
    assert!(matches!(second, Err(Error::Unsupported(_))), "{second:?}");
}
