-- The Lua equivalent of methods.ln: filter, map and a stable sort with a comparator over an
-- array of N ints, each repeated ROUNDS times (table.sort is not stable, so the sort is
-- the same bottom-up merge sort as methods.ln's hand-written one).
-- Usage: lua5.4 methods.lua [N]   or   luajit methods.lua [N]

local function is_even(x) return x % 2 == 0 end
local function triple(x) return x * 3 end
local function less(a, b) return a < b end

local function filter(xs, f)
  local out, k = {}, 0
  for i = 1, #xs do
    local x = xs[i]
    if f(x) then k = k + 1; out[k] = x end
  end
  return out
end

local function map(xs, f)
  local out = {}
  for i = 1, #xs do out[i] = f(xs[i]) end
  return out
end

local function merge_sort(xs, cmp)
  local n = #xs
  local source, target = {}, {}
  for i = 1, n do source[i] = xs[i]; target[i] = xs[i] end
  local width = 1
  while width < n do
    local start = 0
    while start < n do
      local mid = math.min(start + width, n)
      local stop = math.min(start + 2 * width, n)
      local i, j, k = start, mid, start
      while k < stop do
        if i < mid and (j >= stop or not cmp(source[j + 1], source[i + 1])) then
          target[k + 1] = source[i + 1]; i = i + 1
        else
          target[k + 1] = source[j + 1]; j = j + 1
        end
        k = k + 1
      end
      start = start + 2 * width
    end
    source, target = target, source
    width = width * 2
  end
  for i = 1, n do xs[i] = source[i] end
end

local n = tonumber(arg[1] or "1000000")
local rounds = 10
local xs, seed = {}, 12345
for i = 1, n do
  seed = (seed * 75 + 74) % 65537
  xs[i] = seed
end
local check = 0
local t = os.clock()
for r = 1, rounds do check = check + #filter(xs, is_even) end
local filter_time = os.clock() - t
t = os.clock()
for r = 1, rounds do check = check + map(xs, triple)[n] end
local map_time = os.clock() - t
t = os.clock()
local copy = {}
for i = 1, n do copy[i] = xs[i] end
merge_sort(copy, less)
local sort_time = os.clock() - t
check = check + 2 * copy[math.floor(n / 2) + 1]
print(string.format("checksum %d", check))
print(string.format("filter   %.3f s", filter_time))
print(string.format("map      %.3f s", map_time))
print(string.format("sort_by  %.3f s", sort_time))
