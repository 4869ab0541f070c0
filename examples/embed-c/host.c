/* A C host with its own frame loop whose logic lives in logic.ln, hot-reloaded while it
 * runs (lang_poll between frames). Build and run:
 *
 *     cargo build --release -p lang-embed
 *     cc host.c -I ../../embed/include -L ../../target/release -llang_embed \
 *        -Wl,-rpath,$PWD/../../target/release -o host
 *     ./host logic.ln            # runs until Ctrl-C; edit logic.ln meanwhile
 *     ./host logic.ln 100        # 100 frames, then exits (CI)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lang.h"

/* A host function: scripts call host.bonus(points). */
static lang_status bonus(void *user_data, const lang_value *args, size_t arg_count, lang_value *result) {
    int64_t multiplier = *(int64_t *)user_data;
    if (arg_count != 1 || args[0].type != LANG_INT) {
        *result = lang_str("bonus: expected one int");
        return LANG_ERROR_ARGUMENT;
    }
    *result = lang_int(args[0].as.i * multiplier);
    return LANG_OK;
}

static void on_reload(void *user_data, lang_reload what, const char *text) {
    (void)user_data;
    if (what == LANG_RELOAD_DONE) {
        fprintf(stderr, "[host] reloaded %s\n", text);
    } else {
        fprintf(stderr, "[host] reload %s:\n%s", what == LANG_RELOAD_REJECTED ? "rejected" : "failed", text);
    }
}

int main(int argc, char **argv) {
    const char *script = argc > 1 ? argv[1] : "logic.ln";
    long frames = argc > 2 ? atol(argv[2]) : -1;
    lang_engine *engine = lang_create(1);
    static int64_t multiplier = 2;
    lang_type bonus_params[1] = {LANG_INT};
    lang_register_function(engine, "bonus", bonus_params, 1, LANG_INT, bonus, &multiplier);
    if (lang_load_file(engine, script) != LANG_OK) {
        fprintf(stderr, "%s\n", lang_last_error(engine));
        lang_destroy(engine);
        return 1;
    }
    lang_set_reload_callback(engine, on_reload, NULL);

    /* The API's errors are values: a missing function, wrong types, a runtime error. */
    lang_value result;
    lang_status status = lang_call(engine, "missing", NULL, 0, LANG_VOID, NULL);
    printf("missing function: status %d (%s)\n", status, lang_last_error(engine));
    lang_value wrong = lang_str("not a float");
    status = lang_call(engine, "update", &wrong, 1, LANG_INT, &result);
    printf("wrong types: status %d (%s)\n", status, lang_last_error(engine));
    lang_value operands[2] = {lang_int(7), lang_int(0)};
    status = lang_call(engine, "divide", operands, 2, LANG_INT, &result);
    printf("runtime error: status %d, first line: %.*s\n", status,
           (int)strcspn(lang_last_error(engine), "\n"), lang_last_error(engine));
    operands[1] = lang_int(2);
    status = lang_call(engine, "divide", operands, 2, LANG_INT, &result);
    printf("after the error: status %d, 7 / 2 = %lld\n", status, (long long)result.as.i);

    lang_set(engine, "score", lang_int(100));
    struct timespec pause = {0, frames >= 0 ? 1000000 : 100000000};
    for (long frame = 0; frames < 0 || frame < frames; frame++) {
        lang_poll(engine); /* a new version of logic.ln takes over here, between frames */
        lang_value args[2] = {lang_float(0.1), lang_bool(frame % 3 == 0)};
        if (lang_call(engine, "update", args, 2, LANG_INT, &result) != LANG_OK) {
            fprintf(stderr, "%s\n", lang_last_error(engine)); /* report, keep the loop going */
        }
        lang_value player = lang_str("c-host");
        if (lang_call(engine, "status", &player, 1, LANG_STR, &result) == LANG_OK) {
            printf("%s\n", result.as.s);
        }
        fflush(stdout);
        nanosleep(&pause, NULL);
    }
    lang_value score;
    lang_get(engine, "score", LANG_INT, &score);
    printf("host: done, score %lld\n", (long long)score.as.i);
    lang_destroy(engine);
    return 0;
}
