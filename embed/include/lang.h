/* lang.h: embed lang, a hot-reloadable scripting language, in a C or C++ host.
 *
 * The host owns the loop; lang scripts hold the logic; the host decides when a new version
 * of the scripts takes over (lang_poll). Link with liblang_embed.so (or liblang_embed.a
 * plus -lpthread -ldl -lm -lrt -lutil).
 *
 *     lang_engine *engine = lang_create(1);              // 1: recompile on every save
 *     if (lang_load_file(engine, "logic.ln") != LANG_OK) {
 *         fprintf(stderr, "%s\n", lang_last_error(engine));
 *     }
 *     lang_value dt = lang_float(0.016), score;
 *     for (;;) {
 *         lang_poll(engine);                                // apply a new version, if any
 *         if (lang_call(engine, "update", &dt, 1, LANG_INT, &score) != LANG_OK)
 *             fprintf(stderr, "%s\n", lang_last_error(engine)); // a runtime error: go on
 *     }
 *     lang_destroy(engine);
 *
 * Every function is safe to call with any arguments: bad ones give LANG_ERROR_ARGUMENT;
 * nothing crosses the boundary as a crash. One engine per process; call it from the thread
 * that created it.
 */
#ifndef LANG_H
#define LANG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lang_engine lang_engine;

/* What a call returns. */
typedef enum lang_status {
    LANG_OK = 0,
    LANG_ERROR_COMPILE = 1,          /* the program has errors; lang_last_error has the diagnostics */
    LANG_ERROR_NO_SUCH_FUNCTION = 2, /* no function of that name and type in the main module */
    LANG_ERROR_NO_SUCH_VARIABLE = 3, /* no module variable of that name and type */
    LANG_ERROR_RUNTIME = 4,          /* a runtime error in the script; the report is the last error */
    LANG_ERROR_UNSUPPORTED = 5,      /* a second engine, too many arguments */
    LANG_ERROR_ARGUMENT = 6,         /* a null pointer, a bad type, text that is not UTF-8, no program loaded */
    LANG_ERROR_INTERNAL = 7          /* a bug in lang */
} lang_status;

/* The script types a value can have. */
typedef enum lang_type { LANG_INT = 0, LANG_FLOAT = 1, LANG_BOOL = 2, LANG_STR = 3, LANG_VOID = 4 } lang_type;

/* A value. A string result is owned by the engine and valid until the next call into it. */
typedef struct lang_value {
    lang_type type;
    union {
        int64_t i;
        double f;
        int b;
        const char *s;
    } as;
} lang_value;

static inline lang_value lang_int(int64_t i) { lang_value v; v.type = LANG_INT; v.as.i = i; return v; }
static inline lang_value lang_float(double f) { lang_value v; v.type = LANG_FLOAT; v.as.f = f; return v; }
static inline lang_value lang_bool(int b) { lang_value v; v.type = LANG_BOOL; v.as.b = b; return v; }
static inline lang_value lang_str(const char *s) { lang_value v; v.type = LANG_STR; v.as.s = s; return v; }

/* What lang_poll did. */
typedef enum lang_reload {
    LANG_RELOAD_NOTHING = 0,  /* nothing new */
    LANG_RELOAD_DONE = 1,     /* a new version runs; the text names the modules and versions */
    LANG_RELOAD_REJECTED = 2, /* a save did not compile; the text is the diagnostics; the old version runs */
    LANG_RELOAD_FAILED = 3    /* the new version's initialization raised an error; the text is the report */
} lang_reload;

/* Called by lang_poll when something happened, with what (lang_reload) and the text. */
typedef void (*lang_reload_callback)(void *user_data, lang_reload what, const char *text);

/* A new engine; hmr != 0 watches the program's files and compiles a new version on every
 * save (applied by lang_poll). Never returns NULL. */
lang_engine *lang_create(int hmr);

/* A host function: receives the arguments, writes the result into *result (for a function
 * declared with a result), and returns LANG_OK; any other status is a runtime error in the
 * script at the call, with *result's string (if it set one) as the message. */
typedef lang_status (*lang_host_function)(void *user_data, const lang_value *args, size_t arg_count,
                                          lang_value *result);

/* Registers a host function, before loading: scripts call it as host.NAME(...) after
 * `import host`, checked against these types (result LANG_VOID: none). At most 16, with up to
 * 5 int, bool or str and 8 float parameters. */
lang_status lang_register_function(lang_engine *engine, const char *name, const lang_type *params,
                                   size_t param_count, lang_type result, lang_host_function function,
                                   void *user_data);

/* Loads, checks and compiles the program whose main file is path, and initializes its module
 * variables (its main is not called). LANG_ERROR_COMPILE: see lang_last_error. */
lang_status lang_load_file(lang_engine *engine, const char *path);

/* The same for a program given as text: one file, named name (like "game.ln"). */
lang_status lang_load_source(lang_engine *engine, const char *name, const char *source);

/* Calls the main module's function, whose type must be fn(types of args) -> result_type
 * (LANG_VOID: no result). On LANG_OK, *result holds the result (result may be NULL). */
lang_status lang_call(lang_engine *engine, const char *function, const lang_value *args, size_t arg_count,
                      lang_type result_type, lang_value *result);

/* Reads the main module's variable name of type type into *out. */
lang_status lang_get(lang_engine *engine, const char *name, lang_type type, lang_value *out);

/* Sets the main module's variable name (of value's type). */
lang_status lang_set(lang_engine *engine, const char *name, lang_value value);

/* Applies the newest version compiled since the last poll, now; calls the reload callback
 * if one is set and something happened. */
lang_reload lang_poll(lang_engine *engine);

/* Sets (or with NULL, removes) the reload callback. */
void lang_set_reload_callback(lang_engine *engine, lang_reload_callback callback, void *user_data);

/* The message of the last failed call (or the text of the last poll), never NULL; valid until
 * the next call into the engine. */
const char *lang_last_error(const lang_engine *engine);

/* Frees the engine handle. (The program's memory stays until the process exits: one engine
 * per process.) */
void lang_destroy(lang_engine *engine);

#ifdef __cplusplus
}
#endif

#endif /* LANG_H */
