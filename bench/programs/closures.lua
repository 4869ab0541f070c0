-- closures: the closure pipeline of closures.ln: map, filter and reduce with
-- closures capturing locals, and table.sort with a capturing comparator whose
-- key comes from a captured table. See closures.ln for the exact computation.
-- Runs on Lua 5.4 and LuaJIT (all integers stay below 2^53).

local seed = 42
local function rnd()
  seed = seed * 16807 % 2147483647
  return seed
end

local function map(xs, f)
  local out = {}
  for i = 1, #xs do out[i] = f(xs[i]) end
  return out
end
local function filter(xs, f)
  local out, k = {}, 0
  for i = 1, #xs do
    local x = xs[i]
    if f(x) then k = k + 1; out[k] = x end
  end
  return out
end
local function reduce(xs, init, f)
  local acc = init
  for i = 1, #xs do acc = f(acc, xs[i]) end
  return acc
end

local n = tonumber(arg and arg[1]) or 1000
local xs = {}
for i = 1, n do xs[i] = rnd() % 1000000 end
local keys = {}
for j = 0, 1023 do keys[j] = rnd() % 1000 end
local scale, offset, modulus, weight = 3, 7, 3, 31
local ys = map(xs, function(x) return (x * scale + offset) % 100003 end)
local zs = filter(ys, function(y) return y % modulus ~= 0 end)
local total = reduce(zs, 0, function(acc, z) return (acc + z * weight) % 1000000007 end)
table.sort(zs, function(p, q)
  local kp, kq = keys[p % 1024], keys[q % 1024]
  return kp < kq or (kp == kq and p < q)
end)
local check = 0
for i = 1, #zs do check = (check + zs[i] * ((i - 1) % 1000 + 1)) % 1000000007 end
local k = #zs
print(string.format("mapped: %d", #ys))
print(string.format("kept: %d", k))
print(string.format("reduced: %d", total))
print(string.format("checksum: %d", check))
print(string.format("first: %d %d %d", zs[1], zs[2], zs[3]))
print(string.format("last: %d", zs[k]))
