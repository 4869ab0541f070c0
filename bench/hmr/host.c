/* The C baseline of the hot-reload latency benchmark (bench/hmr_latency.py):
   the classic "reload a shared library" loop.

       host LIB SCRATCH_DIR SLEEP_US

   dlopen()s LIB (through a fresh copy in SCRATCH_DIR each time, since dlopen
   returns the already-loaded library for a path it has seen), prints
   `ready <run_all()>`, then loops forever: stat LIB, and if its inode, size or
   mtime changed, copy it and dlopen the copy (keeping the old library when
   that fails); print value(); usleep(SLEEP_US). stdout is line buffered, so
   each value is written as soon as it is printed. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef long (*value_fn)(void);

static void *handle;
static value_fn value;
static long loads;

static int copy_file(const char *from, const char *to) {
    int in = open(from, O_RDONLY);
    if (in < 0) return -1;
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (out < 0) {
        close(in);
        return -1;
    }
    char buffer[1 << 16];
    ssize_t count;
    int status = 0;
    while ((count = read(in, buffer, sizeof buffer)) > 0) {
        if (write(out, buffer, (size_t)count) != count) {
            status = -1;
            break;
        }
    }
    if (count < 0) status = -1;
    close(in);
    if (close(out) != 0) status = -1;
    return status;
}

/* Loads a fresh copy of LIB; on failure keeps what was loaded. */
static int load(const char *lib, const char *scratch) {
    char copy[4096];
    snprintf(copy, sizeof copy, "%s/liblogic.%ld.so", scratch, ++loads);
    if (copy_file(lib, copy) != 0) {
        fprintf(stderr, "host: cannot copy %s: %s\n", lib, strerror(errno));
        return -1;
    }
    void *next = dlopen(copy, RTLD_NOW | RTLD_LOCAL);
    unlink(copy);
    if (!next) {
        fprintf(stderr, "host: dlopen failed: %s\n", dlerror());
        return -1;
    }
    value_fn next_value = (value_fn)dlsym(next, "value");
    if (!next_value) {
        fprintf(stderr, "host: no value() in %s\n", lib);
        dlclose(next);
        return -1;
    }
    if (handle) dlclose(handle);
    handle = next;
    value = next_value;
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: host LIB SCRATCH_DIR SLEEP_US\n");
        return 2;
    }
    const char *lib = argv[1];
    const char *scratch = argv[2];
    useconds_t sleep_us = (useconds_t)atol(argv[3]);
    setvbuf(stdout, NULL, _IOLBF, 0);

    struct stat seen;
    if (stat(lib, &seen) != 0 || load(lib, scratch) != 0) {
        fprintf(stderr, "host: cannot load %s\n", lib);
        return 1;
    }
    long (*run_all)(void) = (long (*)(void))dlsym(handle, "run_all");
    printf("ready %ld\n", run_all ? run_all() : -1L);
    for (;;) {
        struct stat now;
        if (stat(lib, &now) == 0 &&
            (now.st_ino != seen.st_ino || now.st_size != seen.st_size ||
             now.st_mtim.tv_sec != seen.st_mtim.tv_sec || now.st_mtim.tv_nsec != seen.st_mtim.tv_nsec)) {
            seen = now;
            if (load(lib, scratch) == 0) fprintf(stderr, "host: reloaded %s\n", lib);
        }
        printf("%ld\n", value());
        usleep(sleep_us);
    }
}
