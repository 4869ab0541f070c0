-- enumvm: a bytecode VM (instructions are {op, arg} tables, dispatched by an
-- if-chain) counting and summing the primes below LIMIT by trial division
-- (d * d <= k); the inner loop is 17 instructions. Same bytecode as enumvm.ln.
-- Runs on Lua 5.4 and LuaJIT (all integers stay below 2^53).
-- Output: "limit: L", "primes: C", "sum: S", "steps: N" (instructions executed).

local PUSH, LOAD, STORE, ADD, MUL, MOD, LT, JUMP, JUMP_IF_ZERO, HALT = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10

local function program(limit)
  local code = {
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
  }
  -- 0-based program counter, as in the other versions
  local out = {}
  for i = 1, #code do out[i - 1] = code[i] end
  return out
end

local function run(code, slots)
  local stack = {}
  for i = 0, 63 do stack[i] = 0 end
  local sp, pc, steps = 0, 0, 0
  while true do
    local ins = code[pc]
    pc = pc + 1
    steps = steps + 1
    local op = ins[1]
    if op == PUSH then
      stack[sp] = ins[2]; sp = sp + 1
    elseif op == LOAD then
      stack[sp] = slots[ins[2]]; sp = sp + 1
    elseif op == STORE then
      sp = sp - 1; slots[ins[2]] = stack[sp]
    elseif op == ADD then
      sp = sp - 1; stack[sp - 1] = stack[sp - 1] + stack[sp]
    elseif op == MUL then
      sp = sp - 1; stack[sp - 1] = stack[sp - 1] * stack[sp]
    elseif op == MOD then
      sp = sp - 1; stack[sp - 1] = stack[sp - 1] % stack[sp]
    elseif op == LT then
      sp = sp - 1
      if stack[sp - 1] < stack[sp] then stack[sp - 1] = 1 else stack[sp - 1] = 0 end
    elseif op == JUMP then
      pc = ins[2]
    elseif op == JUMP_IF_ZERO then
      sp = sp - 1
      if stack[sp] == 0 then pc = ins[2] end
    else
      return steps
    end
  end
end

local limit = tonumber(arg and arg[1]) or 2000
local slots = {[0] = 0, 0, 0, 0, 0}
local steps = run(program(limit), slots)
print(string.format("limit: %d", limit))
print(string.format("primes: %d", slots[2]))
print(string.format("sum: %d", slots[3]))
print(string.format("steps: %d", steps))
