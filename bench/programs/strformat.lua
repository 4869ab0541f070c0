-- strformat: build N report lines with string.format
-- ("%6d %-10s %10.3f %05d|") and reduce them to a small output.
-- See strformat.ln for the exact computation. Runs on Lua 5.4 and LuaJIT.

local NAMES = { [0] = "alpha", "bravo", "charlie", "delta", "echo", "foxtrot",
                "golf", "hotel", "india", "juliett", "kilo", "lima-mike-november" }

local n = tonumber(arg and arg[1]) or 1000
local total, hash = 0, 0
local first, second, last = "", "", ""
local format, byte = string.format, string.byte
for i = 0, n - 1 do
  local name = NAMES[i % 12]
  local v = (i * 7919 % 100000) / 64.0 - 500.0
  local code = i * 31 % 2001 - 1000
  local line = format("%6d %-10s %10.3f %05d|", i, name, v, code)
  total = total + #line
  if i % 16 == 0 then
    for j = 1, #line do hash = (hash * 31 + byte(line, j)) % 1000000007 end
  end
  if i == 0 then first = line elseif i == 1 then second = line end
  if i == n - 1 then last = line end
end
print(format("lines: %d", n))
print(format("bytes: %d", total))
print(format("hash: %d", hash))
print(first)
print(second)
print(last)
