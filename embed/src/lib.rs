//! The C API of lang's embedding engine (`include/lang.h`), over
//! `lang_runtime_hot::engine`. Built as a shared and a static library for C and C++ hosts;
//! Rust hosts use `lang_runtime_hot::engine` directly.
//!
//! Every entry point checks its pointers and catches panics: nothing crosses the boundary as
//! a crash. Errors are status codes, with the message in `lang_last_error`.

use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};

use lang_runtime_hot::engine::{Engine, EngineBuilder, Error, Reload, Value, ValueType};

/// `lang_status` of lang.h.
pub const LANG_OK: c_int = 0;
pub const LANG_ERROR_COMPILE: c_int = 1;
pub const LANG_ERROR_NO_SUCH_FUNCTION: c_int = 2;
pub const LANG_ERROR_NO_SUCH_VARIABLE: c_int = 3;
pub const LANG_ERROR_RUNTIME: c_int = 4;
pub const LANG_ERROR_UNSUPPORTED: c_int = 5;
pub const LANG_ERROR_ARGUMENT: c_int = 6;
pub const LANG_ERROR_INTERNAL: c_int = 7;

/// `lang_type` of lang.h.
pub const LANG_INT: c_int = 0;
pub const LANG_FLOAT: c_int = 1;
pub const LANG_BOOL: c_int = 2;
pub const LANG_STR: c_int = 3;
pub const LANG_VOID: c_int = 4;

/// `lang_reload` of lang.h.
pub const LANG_RELOAD_NOTHING: c_int = 0;
pub const LANG_RELOAD_DONE: c_int = 1;
pub const LANG_RELOAD_REJECTED: c_int = 2;
pub const LANG_RELOAD_FAILED: c_int = 3;

/// `lang_value` of lang.h.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct LangValue {
    pub ty: c_int,
    pub payload: Payload,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub union Payload {
    pub i: i64,
    pub f: f64,
    pub b: c_int,
    pub s: *const c_char,
}

pub type ReloadCallback = Option<extern "C" fn(*mut c_void, c_int, *const c_char)>;

/// `lang_host_function` of lang.h.
pub type HostFunction = Option<extern "C" fn(*mut c_void, *const LangValue, usize, *mut LangValue) -> c_int>;

struct Registration {
    name: String,
    params: Vec<ValueType>,
    result: Option<ValueType>,
    function: extern "C" fn(*mut c_void, *const LangValue, usize, *mut LangValue) -> c_int,
    user_data: usize,
}

/// `lang_engine` of lang.h.
pub struct LangEngine {
    hmr: bool,
    engine: Option<Engine>,
    last_error: CString,
    /// The last string result, owned here until the next call.
    last_string: CString,
    callback: ReloadCallback,
    user_data: *mut c_void,
    /// Host functions registered before the program is loaded.
    functions: Vec<Registration>,
}

impl LangEngine {
    fn fail(&mut self, status: c_int, message: impl Into<String>) -> c_int {
        let message: String = message.into();
        self.last_error = CString::new(message.replace('\0', " ")).unwrap_or_default();
        status
    }

    fn fail_with(&mut self, error: Error) -> c_int {
        let status = match &error {
            Error::Compile(_) => LANG_ERROR_COMPILE,
            Error::NoSuchFunction { .. } => LANG_ERROR_NO_SUCH_FUNCTION,
            Error::NoSuchVariable { .. } => LANG_ERROR_NO_SUCH_VARIABLE,
            Error::Runtime(_) => LANG_ERROR_RUNTIME,
            Error::Unsupported(_) => LANG_ERROR_UNSUPPORTED,
        };
        self.fail(status, error.to_string())
    }

    /// The value as a `lang_value`; a string is kept in the engine.
    fn keep_for_c(&mut self, value: Value) -> LangValue {
        match value {
            Value::Int(i) => LangValue {
                ty: LANG_INT,
                payload: Payload { i },
            },
            Value::Float(f) => LangValue {
                ty: LANG_FLOAT,
                payload: Payload { f },
            },
            Value::Bool(b) => LangValue {
                ty: LANG_BOOL,
                payload: Payload { b: c_int::from(b) },
            },
            Value::Str(s) => {
                self.last_string = CString::new(s.replace('\0', " ")).unwrap_or_default();
                LangValue {
                    ty: LANG_STR,
                    payload: Payload {
                        s: self.last_string.as_ptr(),
                    },
                }
            }
        }
    }
}

fn value_type(ty: c_int) -> Option<ValueType> {
    match ty {
        LANG_INT => Some(ValueType::Int),
        LANG_FLOAT => Some(ValueType::Float),
        LANG_BOOL => Some(ValueType::Bool),
        LANG_STR => Some(ValueType::Str),
        _ => None,
    }
}

/// A C string as UTF-8 text, if it is one.
///
/// # Safety
/// `text` is null or a NUL-terminated string.
unsafe fn text<'a>(text: *const c_char) -> Option<&'a str> {
    if text.is_null() {
        return None;
    }
    // SAFETY: the caller's promise.
    unsafe { CStr::from_ptr(text) }.to_str().ok()
}

/// A `lang_value` from C as a value, if it is a valid one.
///
/// # Safety
/// A string value points to a NUL-terminated string.
unsafe fn from_c(value: &LangValue) -> Option<Value> {
    // SAFETY: the tag says which field is set.
    unsafe {
        match value.ty {
            LANG_INT => Some(Value::Int(value.payload.i)),
            LANG_FLOAT => Some(Value::Float(value.payload.f)),
            LANG_BOOL => Some(Value::Bool(value.payload.b != 0)),
            LANG_STR => text(value.payload.s).map(|s| Value::Str(s.to_string())),
            _ => None,
        }
    }
}

/// Runs `work` on the engine, turning a null handle into LANG_ERROR_ARGUMENT and a panic
/// into LANG_ERROR_INTERNAL.
fn guarded(engine: *mut LangEngine, work: impl FnOnce(&mut LangEngine) -> c_int) -> c_int {
    if engine.is_null() {
        return LANG_ERROR_ARGUMENT;
    }
    // SAFETY: a handle from lang_create, not yet destroyed (the caller's promise in lang.h).
    let engine = unsafe { &mut *engine };
    match catch_unwind(AssertUnwindSafe(|| work(&mut *engine))) {
        Ok(status) => status,
        Err(_) => engine.fail(
            LANG_ERROR_INTERNAL,
            "internal error in lang; this is a bug, please report it",
        ),
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_create(hmr: c_int) -> *mut LangEngine {
    Box::into_raw(Box::new(LangEngine {
        hmr: hmr != 0,
        engine: None,
        last_error: CString::default(),
        last_string: CString::default(),
        callback: None,
        user_data: std::ptr::null_mut(),
        functions: Vec::new(),
    }))
}

fn load(engine: &mut LangEngine, load: impl FnOnce(EngineBuilder) -> Result<Engine, Error>) -> c_int {
    if engine.engine.is_some() {
        return engine.fail(LANG_ERROR_UNSUPPORTED, "this engine has a program loaded already");
    }
    let mut builder = Engine::builder().hmr(engine.hmr);
    for registration in std::mem::take(&mut engine.functions) {
        let Registration {
            name,
            params,
            result,
            function,
            user_data,
        } = registration;
        let result_type = result;
        let function_name = name.clone();
        builder = builder.function(&name, &params, result, move |args| {
            // The C function sees C values; strings live until it returns.
            let strings: Vec<CString> = args
                .iter()
                .map(|value| match value {
                    Value::Str(text) => CString::new(text.replace('\0', " ")).unwrap_or_default(),
                    _ => CString::default(),
                })
                .collect();
            let c_args: Vec<LangValue> = args
                .iter()
                .zip(&strings)
                .map(|(value, string)| match value {
                    Value::Int(i) => LangValue {
                        ty: LANG_INT,
                        payload: Payload { i: *i },
                    },
                    Value::Float(f) => LangValue {
                        ty: LANG_FLOAT,
                        payload: Payload { f: *f },
                    },
                    Value::Bool(b) => LangValue {
                        ty: LANG_BOOL,
                        payload: Payload { b: c_int::from(*b) },
                    },
                    Value::Str(_) => LangValue {
                        ty: LANG_STR,
                        payload: Payload { s: string.as_ptr() },
                    },
                })
                .collect();
            let mut out = LangValue {
                ty: LANG_VOID,
                payload: Payload { i: 0 },
            };
            let status = function(user_data as *mut c_void, c_args.as_ptr(), c_args.len(), &mut out);
            if status != LANG_OK {
                // SAFETY: a string the C function set, or none.
                let message = if out.ty == LANG_STR {
                    unsafe { text(out.payload.s) }
                } else {
                    None
                };
                return Err(message.map_or_else(|| format!("host function `{function_name}` failed"), str::to_string));
            }
            let Some(expected) = result_type else { return Ok(None) };
            // SAFETY: the C function filled `out` (a string must be NUL-terminated).
            match unsafe { from_c(&out) } {
                Some(value) if value.value_type() == expected => Ok(Some(value)),
                _ => Err(format!(
                    "host function `{function_name}` returned a value of the wrong type"
                )),
            }
        });
    }
    match load(builder) {
        Ok(loaded) => {
            engine.engine = Some(loaded);
            LANG_OK
        }
        Err(error) => engine.fail_with(error),
    }
}

/// # Safety
/// `engine` comes from `lang_create`; `name` is null or NUL-terminated; `params` points to
/// `param_count` types (or is null when it is 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lang_register_function(
    engine: *mut LangEngine,
    name: *const c_char,
    params: *const c_int,
    param_count: usize,
    result: c_int,
    function: HostFunction,
    user_data: *mut c_void,
) -> c_int {
    guarded(engine, |engine| {
        // SAFETY: the caller's promise.
        let (Some(name), Some(function)) = (unsafe { text(name) }, function) else {
            return engine.fail(LANG_ERROR_ARGUMENT, "the name or the function is null");
        };
        if engine.engine.is_some() {
            return engine.fail(
                LANG_ERROR_UNSUPPORTED,
                "register host functions before loading the program",
            );
        }
        if params.is_null() && param_count > 0 {
            return engine.fail(LANG_ERROR_ARGUMENT, "params is null");
        }
        let given: &[c_int] = if param_count == 0 {
            &[]
        } else {
            // SAFETY: the caller's promise.
            unsafe { std::slice::from_raw_parts(params, param_count) }
        };
        let Some(params) = given.iter().map(|ty| value_type(*ty)).collect::<Option<Vec<_>>>() else {
            return engine.fail(LANG_ERROR_ARGUMENT, "a parameter type is bad");
        };
        let result = match result {
            LANG_VOID => None,
            other => match value_type(other) {
                Some(ty) => Some(ty),
                None => return engine.fail(LANG_ERROR_ARGUMENT, "bad result type"),
            },
        };
        engine.functions.push(Registration {
            name: name.to_string(),
            params,
            result,
            function,
            user_data: user_data as usize,
        });
        LANG_OK
    })
}

/// # Safety
/// `engine` comes from `lang_create`; `path` is null or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lang_load_file(engine: *mut LangEngine, path: *const c_char) -> c_int {
    guarded(engine, |engine| {
        // SAFETY: the caller's promise.
        let Some(path) = (unsafe { text(path) }) else {
            return engine.fail(LANG_ERROR_ARGUMENT, "the path is null or not UTF-8");
        };
        load(engine, |builder| builder.load_path(path))
    })
}

/// # Safety
/// `engine` comes from `lang_create`; `name` and `source` are null or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lang_load_source(
    engine: *mut LangEngine,
    name: *const c_char,
    source: *const c_char,
) -> c_int {
    guarded(engine, |engine| {
        // SAFETY: the caller's promise.
        let (Some(name), Some(source)) = (unsafe { text(name) }, unsafe { text(source) }) else {
            return engine.fail(LANG_ERROR_ARGUMENT, "the name or the source is null or not UTF-8");
        };
        load(engine, |builder| builder.load_sources(&[(name, source)]))
    })
}

/// # Safety
/// `engine` comes from `lang_create`; `function` is null or NUL-terminated; `args` points to
/// `arg_count` values (or is null when it is 0); `result` is null or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lang_call(
    engine: *mut LangEngine,
    function: *const c_char,
    args: *const LangValue,
    arg_count: usize,
    result_type: c_int,
    result: *mut LangValue,
) -> c_int {
    guarded(engine, |engine| {
        // SAFETY: the caller's promise.
        let Some(function) = (unsafe { text(function) }) else {
            return engine.fail(LANG_ERROR_ARGUMENT, "the function name is null or not UTF-8");
        };
        if args.is_null() && arg_count > 0 {
            return engine.fail(LANG_ERROR_ARGUMENT, "args is null");
        }
        let given: &[LangValue] = if arg_count == 0 {
            &[]
        } else {
            // SAFETY: the caller's promise.
            unsafe { std::slice::from_raw_parts(args, arg_count) }
        };
        let mut values = Vec::with_capacity(given.len());
        for (index, value) in given.iter().enumerate() {
            // SAFETY: the caller's promise.
            match unsafe { from_c(value) } {
                Some(value) => values.push(value),
                None => return engine.fail(LANG_ERROR_ARGUMENT, format!("argument {index} has a bad type or text")),
            }
        }
        let result_type = match result_type {
            LANG_VOID => None,
            other => match value_type(other) {
                Some(ty) => Some(ty),
                None => return engine.fail(LANG_ERROR_ARGUMENT, "bad result type"),
            },
        };
        let Some(loaded) = engine.engine.as_mut() else {
            return engine.fail(LANG_ERROR_ARGUMENT, "no program is loaded");
        };
        match loaded.call_values(function, &values, result_type) {
            Ok(value) => {
                if let (Some(value), false) = (value, result.is_null()) {
                    let converted = engine.keep_for_c(value);
                    // SAFETY: the caller's promise.
                    unsafe { *result = converted };
                }
                LANG_OK
            }
            Err(error) => engine.fail_with(error),
        }
    })
}

/// # Safety
/// `engine` comes from `lang_create`; `name` is null or NUL-terminated; `out` is null or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lang_get(
    engine: *mut LangEngine,
    name: *const c_char,
    ty: c_int,
    out: *mut LangValue,
) -> c_int {
    guarded(engine, |engine| {
        // SAFETY: the caller's promise.
        let (Some(name), Some(ty)) = (unsafe { text(name) }, value_type(ty)) else {
            return engine.fail(LANG_ERROR_ARGUMENT, "the name is null or not UTF-8, or the type is bad");
        };
        if out.is_null() {
            return engine.fail(LANG_ERROR_ARGUMENT, "out is null");
        }
        let Some(loaded) = engine.engine.as_ref() else {
            return engine.fail(LANG_ERROR_ARGUMENT, "no program is loaded");
        };
        match loaded.get_value(name, ty) {
            Ok(value) => {
                let converted = engine.keep_for_c(value);
                // SAFETY: checked above.
                unsafe { *out = converted };
                LANG_OK
            }
            Err(error) => engine.fail_with(error),
        }
    })
}

/// # Safety
/// `engine` comes from `lang_create`; `name` is null or NUL-terminated; a string value is
/// NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lang_set(engine: *mut LangEngine, name: *const c_char, value: LangValue) -> c_int {
    guarded(engine, |engine| {
        // SAFETY: the caller's promise.
        let (Some(name), Some(value)) = (unsafe { text(name) }, unsafe { from_c(&value) }) else {
            return engine.fail(LANG_ERROR_ARGUMENT, "the name or the value is bad");
        };
        let Some(loaded) = engine.engine.as_mut() else {
            return engine.fail(LANG_ERROR_ARGUMENT, "no program is loaded");
        };
        match loaded.set_value(name, &value) {
            Ok(()) => LANG_OK,
            Err(error) => engine.fail_with(error),
        }
    })
}

/// # Safety
/// `engine` comes from `lang_create`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lang_poll(engine: *mut LangEngine) -> c_int {
    let status = guarded(engine, |engine| {
        let Some(loaded) = engine.engine.as_mut() else {
            return LANG_RELOAD_NOTHING;
        };
        let (what, text) = match loaded.poll_reload() {
            Reload::Nothing => return LANG_RELOAD_NOTHING,
            Reload::Reloaded(modules) => (LANG_RELOAD_DONE, modules.join(", ")),
            Reload::Rejected(diagnostics) => (LANG_RELOAD_REJECTED, diagnostics),
            Reload::Failed(report) => (LANG_RELOAD_FAILED, report),
        };
        engine.fail(what, text);
        if let Some(callback) = engine.callback {
            callback(engine.user_data, what, engine.last_error.as_ptr());
        }
        what
    });
    if status == LANG_ERROR_INTERNAL || status == LANG_ERROR_ARGUMENT {
        LANG_RELOAD_NOTHING
    } else {
        status
    }
}

/// # Safety
/// `engine` comes from `lang_create`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lang_set_reload_callback(
    engine: *mut LangEngine,
    callback: ReloadCallback,
    user_data: *mut c_void,
) {
    guarded(engine, |engine| {
        engine.callback = callback;
        engine.user_data = user_data;
        LANG_OK
    });
}

/// # Safety
/// `engine` is null or comes from `lang_create`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lang_last_error(engine: *const LangEngine) -> *const c_char {
    if engine.is_null() {
        return c"no engine".as_ptr();
    }
    // SAFETY: the caller's promise.
    unsafe { (*engine).last_error.as_ptr() }
}

/// # Safety
/// `engine` is null or comes from `lang_create`, and is not used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lang_destroy(engine: *mut LangEngine) {
    if engine.is_null() {
        return;
    }
    // SAFETY: the caller's promise.
    let engine = unsafe { Box::from_raw(engine) };
    // The program's code and heap stay (one engine per process, see lang.h): forgetting the
    // engine keeps the session's pointers valid.
    let _ = catch_unwind(AssertUnwindSafe(move || std::mem::forget(engine.engine)));
}
