/* enumvm: a bytecode VM (a switch over tagged instructions) counting and summing
 * the primes below LIMIT by trial division (d * d <= k); the inner loop is 17
 * instructions. Same bytecode as enumvm.ln.
 * Usage: ./enumvm LIMIT
 * Output: "limit: L", "primes: C", "sum: S", "steps: N" (instructions executed). */
#include <stdio.h>
#include <stdlib.h>

enum { PUSH, LOAD, STORE, ADD, MUL, MOD, LT, JUMP, JUMP_IF_ZERO, HALT };

typedef struct {
    int op;
    long long arg;
} Instr;

static long long run(const Instr *code, long long *slots) {
    long long stack[64];
    int sp = 0;
    long long pc = 0, steps = 0;
    for (;;) {
        const Instr *in = &code[pc];
        pc += 1;
        steps += 1;
        switch (in->op) {
        case PUSH: stack[sp++] = in->arg; break;
        case LOAD: stack[sp++] = slots[in->arg]; break;
        case STORE: slots[in->arg] = stack[--sp]; break;
        case ADD: sp--; stack[sp - 1] = stack[sp - 1] + stack[sp]; break;
        case MUL: sp--; stack[sp - 1] = stack[sp - 1] * stack[sp]; break;
        case MOD: sp--; stack[sp - 1] = stack[sp - 1] % stack[sp]; break;
        case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp] ? 1 : 0; break;
        case JUMP: pc = in->arg; break;
        case JUMP_IF_ZERO: if (stack[--sp] == 0) pc = in->arg; break;
        case HALT: return steps;
        }
    }
}

int main(int argc, char **argv) {
    long long limit = argc > 1 ? atoll(argv[1]) : 2000;
    Instr code[] = {
        {PUSH, 2}, {STORE, 0},
        {LOAD, 0}, {PUSH, limit}, {LT, 0}, {JUMP_IF_ZERO, 44},
        {PUSH, 2}, {STORE, 1},
        {PUSH, 1}, {STORE, 4},
        {LOAD, 1}, {LOAD, 1}, {MUL, 0}, {LOAD, 0}, {PUSH, 1}, {ADD, 0}, {LT, 0}, {JUMP_IF_ZERO, 29},
        {LOAD, 0}, {LOAD, 1}, {MOD, 0}, {JUMP_IF_ZERO, 27},
        {LOAD, 1}, {PUSH, 1}, {ADD, 0}, {STORE, 1},
        {JUMP, 10},
        {PUSH, 0}, {STORE, 4},
        {LOAD, 4}, {JUMP_IF_ZERO, 39},
        {LOAD, 2}, {PUSH, 1}, {ADD, 0}, {STORE, 2},
        {LOAD, 3}, {LOAD, 0}, {ADD, 0}, {STORE, 3},
        {LOAD, 0}, {PUSH, 1}, {ADD, 0}, {STORE, 0},
        {JUMP, 2},
        {HALT, 0},
    };
    long long slots[5] = {0, 0, 0, 0, 0};
    long long steps = run(code, slots);
    printf("limit: %lld\n", limit);
    printf("primes: %lld\n", slots[2]);
    printf("sum: %lld\n", slots[3]);
    printf("steps: %lld\n", steps);
    return 0;
}
