/* closures: the closure pipeline of closures.ln in plain C: map, filter and
 * reduce as loops calling a function pointer with a context struct, and a merge
 * sort with a comparator function pointer whose context holds the key table.
 * Usage: ./closures N
 * See closures.ln for the exact computation and output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef long long i64;

static i64 seed = 42;
static i64 rnd(void) {
    seed = seed * 16807 % 2147483647;
    return seed;
}

typedef i64 (*map_fn)(const void *ctx, i64 x);
typedef int (*pred_fn)(const void *ctx, i64 x);
typedef i64 (*fold_fn)(const void *ctx, i64 acc, i64 x);
typedef int (*less_fn)(const void *ctx, i64 a, i64 b);

static void map(const i64 *in, i64 *out, i64 n, map_fn f, const void *ctx) {
    for (i64 i = 0; i < n; i++) out[i] = f(ctx, in[i]);
}
static i64 filter(const i64 *in, i64 *out, i64 n, pred_fn f, const void *ctx) {
    i64 k = 0;
    for (i64 i = 0; i < n; i++)
        if (f(ctx, in[i])) out[k++] = in[i];
    return k;
}
static i64 reduce(const i64 *in, i64 n, i64 init, fold_fn f, const void *ctx) {
    i64 acc = init;
    for (i64 i = 0; i < n; i++) acc = f(ctx, acc, in[i]);
    return acc;
}
/* stable merge sort of xs[0..n) using tmp */
static void merge_sort(i64 *xs, i64 *tmp, i64 n, less_fn less, const void *ctx) {
    if (n < 2) return;
    i64 mid = n / 2;
    merge_sort(xs, tmp, mid, less, ctx);
    merge_sort(xs + mid, tmp, n - mid, less, ctx);
    i64 i = 0, j = mid, k = 0;
    while (i < mid && j < n) {
        if (less(ctx, xs[j], xs[i])) tmp[k++] = xs[j++];
        else tmp[k++] = xs[i++];
    }
    while (i < mid) tmp[k++] = xs[i++];
    while (j < n) tmp[k++] = xs[j++];
    memcpy(xs, tmp, (size_t)n * sizeof(i64));
}

typedef struct { i64 scale, offset; } MapCtx;
static i64 map_step(const void *c, i64 x) {
    const MapCtx *m = c;
    return (x * m->scale + m->offset) % 100003;
}
typedef struct { i64 modulus; } FilterCtx;
static int keep(const void *c, i64 y) { return y % ((const FilterCtx *)c)->modulus != 0; }
typedef struct { i64 weight; } FoldCtx;
static i64 fold(const void *c, i64 acc, i64 z) {
    return (acc + z * ((const FoldCtx *)c)->weight) % 1000000007;
}
typedef struct { const i64 *keys; } SortCtx;
static int less_by_key(const void *c, i64 p, i64 q) {
    const i64 *keys = ((const SortCtx *)c)->keys;
    return keys[p % 1024] < keys[q % 1024] || (keys[p % 1024] == keys[q % 1024] && p < q);
}

int main(int argc, char **argv) {
    i64 n = argc > 1 ? atoll(argv[1]) : 1000;
    i64 *xs = malloc((size_t)n * sizeof(i64));
    i64 *ys = malloc((size_t)n * sizeof(i64));
    i64 *zs = malloc((size_t)n * sizeof(i64));
    i64 *tmp = malloc((size_t)n * sizeof(i64));
    for (i64 i = 0; i < n; i++) xs[i] = rnd() % 1000000;
    i64 keys[1024];
    for (int j = 0; j < 1024; j++) keys[j] = rnd() % 1000;
    MapCtx mc = {3, 7};
    FilterCtx fc = {3};
    FoldCtx rc = {31};
    SortCtx sc = {keys};
    map(xs, ys, n, map_step, &mc);
    i64 k = filter(ys, zs, n, keep, &fc);
    i64 total = reduce(zs, k, 0, fold, &rc);
    merge_sort(zs, tmp, k, less_by_key, &sc);
    i64 check = 0;
    for (i64 i = 0; i < k; i++) check = (check + zs[i] * (i % 1000 + 1)) % 1000000007;
    printf("mapped: %lld\n", n);
    printf("kept: %lld\n", k);
    printf("reduced: %lld\n", total);
    printf("checksum: %lld\n", check);
    printf("first: %lld %lld %lld\n", zs[0], zs[1], zs[2]);
    printf("last: %lld\n", zs[k - 1]);
    free(xs); free(ys); free(zs); free(tmp);
    return 0;
}
