/* strformat: build N report lines with snprintf ("%6lld %-10s %10.3f %05lld|")
 * and reduce them to a small output. See strformat.ln for the exact computation.
 * Usage: ./strformat N */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *NAMES[12] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot",
                                "golf", "hotel", "india", "juliett", "kilo", "lima-mike-november"};

int main(int argc, char **argv) {
    long long n = argc > 1 ? atoll(argv[1]) : 1000;
    long long total = 0, hash = 0;
    char line[128], first[128] = "", second[128] = "", last[128] = "";
    for (long long i = 0; i < n; i++) {
        const char *name = NAMES[i % 12];
        double v = (double)(i * 7919 % 100000) / 64.0 - 500.0;
        long long code = i * 31 % 2001 - 1000;
        int len = snprintf(line, sizeof line, "%6lld %-10s %10.3f %05lld|", i, name, v, code);
        total += len;
        if (i % 16 == 0)
            for (int j = 0; j < len; j++) hash = (hash * 31 + (unsigned char)line[j]) % 1000000007;
        if (i == 0) memcpy(first, line, (size_t)len + 1);
        else if (i == 1) memcpy(second, line, (size_t)len + 1);
        if (i == n - 1) memcpy(last, line, (size_t)len + 1);
    }
    printf("lines: %lld\n", n);
    printf("bytes: %lld\n", total);
    printf("hash: %lld\n", hash);
    printf("%s\n%s\n%s\n", first, second, last);
    return 0;
}
