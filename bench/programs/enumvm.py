"""enumvm: a bytecode VM (instructions are (op, arg) tuples, dispatched by an
if-chain) counting and summing the primes below LIMIT by trial division
(d * d <= k); the inner loop is 17 instructions. Same bytecode as enumvm.ln.
Output: "limit: L", "primes: C", "sum: S", "steps: N" (instructions executed)."""
import sys

PUSH, LOAD, STORE, ADD, MUL, MOD, LT, JUMP, JUMP_IF_ZERO, HALT = range(10)


def program(limit):
    return [
        (PUSH, 2), (STORE, 0),
        (LOAD, 0), (PUSH, limit), (LT, 0), (JUMP_IF_ZERO, 44),
        (PUSH, 2), (STORE, 1),
        (PUSH, 1), (STORE, 4),
        (LOAD, 1), (LOAD, 1), (MUL, 0), (LOAD, 0), (PUSH, 1), (ADD, 0), (LT, 0), (JUMP_IF_ZERO, 29),
        (LOAD, 0), (LOAD, 1), (MOD, 0), (JUMP_IF_ZERO, 27),
        (LOAD, 1), (PUSH, 1), (ADD, 0), (STORE, 1),
        (JUMP, 10),
        (PUSH, 0), (STORE, 4),
        (LOAD, 4), (JUMP_IF_ZERO, 39),
        (LOAD, 2), (PUSH, 1), (ADD, 0), (STORE, 2),
        (LOAD, 3), (LOAD, 0), (ADD, 0), (STORE, 3),
        (LOAD, 0), (PUSH, 1), (ADD, 0), (STORE, 0),
        (JUMP, 2),
        (HALT, 0),
    ]


def run(code, slots):
    stack = [0] * 64
    sp = 0
    pc = 0
    steps = 0
    while True:
        op, arg = code[pc]
        pc += 1
        steps += 1
        if op == PUSH:
            stack[sp] = arg
            sp += 1
        elif op == LOAD:
            stack[sp] = slots[arg]
            sp += 1
        elif op == STORE:
            sp -= 1
            slots[arg] = stack[sp]
        elif op == ADD:
            sp -= 1
            stack[sp - 1] = stack[sp - 1] + stack[sp]
        elif op == MUL:
            sp -= 1
            stack[sp - 1] = stack[sp - 1] * stack[sp]
        elif op == MOD:
            sp -= 1
            stack[sp - 1] = stack[sp - 1] % stack[sp]
        elif op == LT:
            sp -= 1
            stack[sp - 1] = 1 if stack[sp - 1] < stack[sp] else 0
        elif op == JUMP:
            pc = arg
        elif op == JUMP_IF_ZERO:
            sp -= 1
            if stack[sp] == 0:
                pc = arg
        else:
            return steps


def main():
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    slots = [0] * 5
    steps = run(program(limit), slots)
    print(f"limit: {limit}")
    print(f"primes: {slots[2]}")
    print(f"sum: {slots[3]}")
    print(f"steps: {steps}")


main()
