-- qfh-edl.lua: Wireshark dissector for Qualcomm EDL sessions (Sahara, then Firehose) on the
-- USB bulk endpoints of a 05c6:9008 device. Shipped with qfh; `qfh wireshark` prints where it
-- is and how to install it. Works on usbmon captures (tcpdump/Wireshark on usbmonN) and on the
-- pcapng files `qfh ... --capture FILE.pcapng` writes.
--
-- It follows each device's session in frame order: Sahara packets until DONE_RESP, Firehose
-- XML documents after it, and the raw data phases in between (the programmer image served to
-- READ_DATA, the payload of a <program>, the data of a <read>), named after what they belong to.

local edl = Proto("qfh_edl", "Qualcomm EDL (Sahara/Firehose)")

local SAHARA = {
  [0x01] = { "HELLO", { "version", "version_supported", "max_command_length", "mode" } },
  [0x02] = { "HELLO_RESP", { "version", "version_supported", "status", "mode" } },
  [0x03] = { "READ_DATA", { "image_id", "offset", "length" } },
  [0x04] = { "END_IMAGE_TX", { "image_id", "status" } },
  [0x05] = { "DONE", {} },
  [0x06] = { "DONE_RESP", { "image_tx_status" } },
  [0x07] = { "RESET", {} },
  [0x08] = { "RESET_RESP", {} },
  [0x09] = { "MEMORY_DEBUG", { "table_address", "table_length" } },
  [0x0a] = { "MEMORY_READ", { "address", "length" } },
  [0x0b] = { "CMD_READY", {} },
  [0x0c] = { "SWITCH_MODE", { "mode" } },
  [0x0d] = { "EXECUTE", { "client_command" } },
  [0x0e] = { "EXECUTE_RSP", { "client_command", "data_length" } },
  [0x0f] = { "EXECUTE_DATA", { "client_command" } },
  [0x10] = { "MEMORY_DEBUG_64", { "table_address64", "table_length64" } },
  [0x11] = { "MEMORY_READ_64", { "address64", "length64" } },
  [0x12] = { "READ_DATA_64", { "image_id64", "offset64", "length64" } },
  [0x13] = { "RESET_STATE_MACHINE", {} },
}
local LENGTHS = { [1] = 48, [2] = 48, [3] = 20, [4] = 16, [5] = 8, [6] = 12, [7] = 8, [8] = 8,
  [9] = 16, [10] = 16, [11] = 8, [12] = 12, [13] = 12, [14] = 16, [15] = 12, [16] = 24,
  [17] = 24, [18] = 32, [19] = 8 }
local MODES = { [0] = "IMAGE_TX_PENDING", [1] = "IMAGE_TX_COMPLETE", [2] = "MEMORY_DEBUG",
  [3] = "COMMAND" }
local STATUS = {}
for i, name in ipairs({ "SUCCESS", "NAK_INVALID_CMD", "NAK_PROTOCOL_MISMATCH",
  "NAK_INVALID_TARGET_PROTOCOL", "NAK_INVALID_HOST_PROTOCOL", "NAK_INVALID_PACKET_SIZE",
  "NAK_UNEXPECTED_IMAGE_ID", "NAK_INVALID_HEADER_SIZE", "NAK_INVALID_DATA_SIZE",
  "NAK_INVALID_IMAGE_TYPE", "NAK_INVALID_TX_LENGTH", "NAK_INVALID_RX_LENGTH",
  "NAK_GENERAL_TX_RX_ERROR", "NAK_READ_DATA_ERROR", "NAK_UNSUPPORTED_NUM_PHDRS",
  "NAK_INVALID_PDHR_SIZE", "NAK_MULTIPLE_SHARED_SEG", "NAK_UNINIT_PHDR_LOC",
  "NAK_INVALID_DEST_ADDR", "NAK_INVALID_IMG_HDR_DATA_SIZE", "NAK_INVALID_ELF_HDR",
  "NAK_UNKNOWN_HOST_ERROR", "NAK_TIMEOUT_RX", "NAK_TIMEOUT_TX", "NAK_INVALID_HOST_MODE",
  "NAK_INVALID_MEMORY_READ", "NAK_INVALID_DATA_SIZE_REQUEST", "NAK_MEMORY_DEBUG_NOT_SUPPORTED",
  "NAK_INVALID_MODE_SWITCH", "NAK_CMD_EXEC_FAILURE", "NAK_EXEC_CMD_INVALID_PARAM",
  "NAK_EXEC_CMD_UNSUPPORTED", "NAK_EXEC_DATA_INVALID_CLIENT_CMD", "NAK_HASH_TABLE_AUTH_FAILURE",
  "NAK_HASH_VERIFICATION_FAILURE", "NAK_HASH_TABLE_NOT_FOUND", "NAK_TARGET_INIT_FAILURE",
  "NAK_IMAGE_AUTH_FAILURE", "NAK_INVALID_IMG_HASH_TABLE_SIZE", "NAK_ENUMERATION_FAILURE",
  "NAK_HW_BULK_TRANSFER_ERROR" }) do STATUS[i - 1] = name end
local EXEC = { [0] = "NOP", [1] = "SERIAL_NUM_READ", [2] = "MSM_HW_ID_READ",
  [3] = "OEM_PK_HASH_READ", [4] = "SWITCH_TO_DMSS_DLOAD", [5] = "SWITCH_TO_STREAM_DLOAD",
  [6] = "READ_DEBUG_DATA", [7] = "GET_SOFTWARE_VERSION_SBL", [8] = "GET_COMMAND_ID_LIST",
  [9] = "GET_TRAINING_DATA", [10] = "READ_CHIP_ID_V3" }
local NAMES = {}
for id, spec in pairs(SAHARA) do NAMES[id] = spec[1] end

local f = edl.fields
f.protocol = ProtoField.string("qfh_edl.protocol", "Protocol")
f.direction = ProtoField.string("qfh_edl.direction", "Direction")
f.summary = ProtoField.string("qfh_edl.summary", "Summary")
f.sahara_command = ProtoField.uint32("qfh_edl.sahara.command", "Command", base.HEX, NAMES)
f.sahara_name = ProtoField.string("qfh_edl.sahara.name", "Command name")
f.sahara_length = ProtoField.uint32("qfh_edl.sahara.length", "Length")
local U32 = { version = "Version", version_supported = "Version supported",
  max_command_length = "Max command length", mode = "Mode", status = "Status",
  image_id = "Image ID", offset = "Offset", length = "Length", image_tx_status = "Image TX status",
  table_address = "Table address", table_length = "Table length", address = "Address",
  client_command = "Client command", data_length = "Response data length" }
local VALUES = { mode = MODES, status = STATUS, client_command = EXEC, image_tx_status = MODES }
for key, label in pairs(U32) do
  f["s_" .. key] = ProtoField.uint32("qfh_edl.sahara." .. key, label,
    (key:find("address") or key == "offset") and base.HEX or base.DEC, VALUES[key])
end
for _, key in ipairs({ "image_id64", "offset64", "length64", "address64", "table_address64",
  "table_length64" }) do
  f["s_" .. key] = ProtoField.uint64("qfh_edl.sahara." .. key, (key:gsub("64$", " (64-bit)")))
end
f.sahara_status_name = ProtoField.string("qfh_edl.sahara.status_name", "Status name")
f.sahara_mode_name = ProtoField.string("qfh_edl.sahara.mode_name", "Mode name")
f.sahara_reserved = ProtoField.bytes("qfh_edl.sahara.reserved", "Reserved")
f.fh_document = ProtoField.string("qfh_edl.firehose.document", "Document")
f.fh_tag = ProtoField.string("qfh_edl.firehose.tag", "Element")
f.fh_command = ProtoField.string("qfh_edl.firehose.command", "Command")
f.fh_response = ProtoField.string("qfh_edl.firehose.response", "Response")
f.fh_rawmode = ProtoField.string("qfh_edl.firehose.rawmode", "Raw mode")
f.fh_log = ProtoField.string("qfh_edl.firehose.log", "Log")
f.fh_attribute = ProtoField.string("qfh_edl.firehose.attribute", "Attribute")
f.raw_for = ProtoField.string("qfh_edl.raw.for", "Data for")
f.raw_bytes = ProtoField.uint32("qfh_edl.raw.bytes", "Bytes in this transfer")
f.raw_done = ProtoField.uint64("qfh_edl.raw.done", "Bytes so far")
f.raw_total = ProtoField.uint64("qfh_edl.raw.total", "Bytes expected")

local usb_direction = Field.new("usb.endpoint_address.direction")
local usb_bus = Field.new("usb.bus_id")
local usb_device = Field.new("usb.device_address")

-- Per device: where its session is. Per frame: what the first pass decided.
local sessions, frames = {}, {}
function edl.init()
  sessions, frames = {}, {}
end

local function u32(s, at) return s:byte(at + 1) + s:byte(at + 2) * 256 + s:byte(at + 3) * 65536 + s:byte(at + 4) * 16777216 end
local function u64(s, at) return u32(s, at) + u32(s, at + 4) * 4294967296 end

local function sahara_packet(s)
  if #s < 8 then return nil end
  local id, len = u32(s, 0), u32(s, 4)
  if not SAHARA[id] or LENGTHS[id] ~= len or #s < len then return nil end
  return id, len
end

local function unescape(v)
  return (v:gsub("&lt;", "<"):gsub("&gt;", ">"):gsub("&quot;", '"'):gsub("&apos;", "'"):gsub("&amp;", "&"))
end

-- Elements inside every <data>…</data> of the transfer: { tag, attrs = { {k, v}, … } }.
local function firehose_elements(s)
  local out = {}
  for body in s:gmatch("<data>(.-)</data>") do
    for tag, rest in body:gmatch("<([%a_][%w_%.%-]*)(.-)/?>") do
      local attrs = {}
      for k, q, v in rest:gmatch("([%a_][%w_%.:%-]*)%s*=%s*([\"'])(.-)%2") do
        attrs[#attrs + 1] = { k, unescape(v) }
      end
      out[#out + 1] = { tag = tag, attrs = attrs }
    end
  end
  return out
end

local function attr(e, name)
  for _, kv in ipairs(e.attrs) do if kv[1] == name then return kv[2] end end
  return nil
end

local function raw_label(e)
  local what = attr(e, "filename") or attr(e, "label") or ""
  return string.format("<%s> %s LUN %s sector %s", e.tag, what,
    attr(e, "physical_partition_number") or "0", attr(e, "start_sector") or "?")
end

local function sectors_bytes(e)
  return (tonumber(attr(e, "num_partition_sectors") or "0") or 0)
    * (tonumber(attr(e, "SECTOR_SIZE_IN_BYTES") or "0") or 0)
end

local function new_session() return { mode = "sahara", pending = nil, command = nil } end

-- Raw bytes that belong to a phase the session is in.
local function take_raw(st, s)
  local p = st.pending
  p.done = p.done + #s
  local r = { kind = "raw", label = p.label, bytes = #s, done = p.done, total = p.total }
  if p.total > 0 and p.done >= p.total then st.pending = nil end
  return r
end

local function on_firehose(st, dir, els)
  st.mode = "firehose"
  for _, e in ipairs(els) do
    if dir == "out" then
      st.command = e
    elseif e.tag == "response" then
      local raw = attr(e, "rawmode")
      if raw == "true" and st.command then
        st.pending = { dir = st.command.tag == "read" and "in" or "out",
          label = raw_label(st.command), done = 0, total = sectors_bytes(st.command) }
      elseif raw == "false" then
        st.pending = nil
      end
    end
  end
end

local function on_sahara(st, id, s)
  if id == 1 then st.mode = "sahara" end
  if id == 3 then
    st.pending = { dir = "out", done = 0, total = u32(s, 16),
      label = string.format("Sahara image %d offset 0x%x", u32(s, 8), u32(s, 12)) }
  elseif id == 0x12 then
    st.pending = { dir = "out", done = 0, total = u64(s, 24),
      label = string.format("Sahara image %d offset 0x%x", u64(s, 8), u64(s, 16)) }
  elseif id == 0x0e then
    st.pending = { dir = "in", done = 0, total = u32(s, 12),
      label = "EXECUTE " .. (EXEC[u32(s, 8)] or tostring(u32(s, 8))) .. " response" }
  elseif id == 6 then
    st.mode = "firehose"
  end
end

-- First pass: what one transfer is, given the session so far (and moving the session on).
local function classify(st, dir, s)
  if #s == 0 then return { kind = "zlp" } end
  if st.pending and st.pending.dir == dir and not (st.pending.total == 0 and s:find("^%s*<%?xml")) then
    return take_raw(st, s)
  end
  if s:find("^%s*<") then
    local els = firehose_elements(s)
    if #els > 0 then
      on_firehose(st, dir, els)
      return { kind = "firehose", elements = els }
    end
  end
  local id, len = sahara_packet(s)
  if id and (st.mode == "sahara" or (id == 1 and dir == "in")) then
    on_sahara(st, id, s)
    return { kind = "sahara", id = id, len = len }
  end
  return { kind = "unknown" }
end

local function sahara_tree(tree, tvb, s, r)
  local spec = SAHARA[r.id]
  tree:add_le(f.sahara_command, tvb(0, 4))
  tree:add(f.sahara_name, spec[1])
  tree:add_le(f.sahara_length, tvb(4, 4))
  local parts, at = { spec[1] }, 8
  for _, key in ipairs(spec[2]) do
    local wide = key:find("64$")
    local value = wide and u64(s, at) or u32(s, at)
    tree:add_le(f["s_" .. key], tvb(at, wide and 8 or 4))
    local named = VALUES[key] and VALUES[key][value]
    if key == "status" then tree:add(f.sahara_status_name, STATUS[value] or string.format("UNKNOWN_0x%02x", value)) end
    if key == "mode" then tree:add(f.sahara_mode_name, MODES[value] or tostring(value)) end
    parts[#parts + 1] = string.format(key:find("offset") and "%s=0x%x" or "%s=%d", key, value)
      .. (named and ("(" .. named .. ")") or "")
    at = at + (wide and 8 or 4)
  end
  if r.id <= 2 then tree:add(f.sahara_reserved, tvb(24, 24)) end
  return table.concat(parts, " ")
end

local function firehose_tree(tree, tvb, dir, r)
  tree:add(f.fh_document, tvb(), tvb:raw())
  local parts = {}
  for _, e in ipairs(r.elements) do
    local sub = tree:add(f.fh_tag, tvb(), e.tag)
    for _, kv in ipairs(e.attrs) do sub:add(f.fh_attribute, kv[1] .. "=" .. kv[2]) end
    if e.tag == "log" then
      local v = attr(e, "value") or ""
      sub:add(f.fh_log, v)
      parts[#parts + 1] = "log: " .. v
    elseif e.tag == "response" then
      local v, raw = attr(e, "value") or "", attr(e, "rawmode")
      sub:add(f.fh_response, v)
      if raw then sub:add(f.fh_rawmode, raw) end
      parts[#parts + 1] = v .. (raw and (" rawmode=" .. raw) or "")
    elseif dir == "out" then
      sub:add(f.fh_command, e.tag)
      local a = {}
      for _, kv in ipairs(e.attrs) do a[#a + 1] = kv[1] .. "=" .. kv[2] end
      parts[#parts + 1] = "<" .. e.tag .. (#a > 0 and (" " .. table.concat(a, " ")) or "") .. ">"
    else
      parts[#parts + 1] = "<" .. e.tag .. ">"
    end
  end
  return table.concat(parts, " | ")
end

function edl.dissector(tvb, pinfo, tree)
  local d = usb_direction()
  local dir = (d and d.value == 1) and "in" or "out"
  local s = tvb:raw()
  local r = frames[pinfo.number]
  if not r then
    local key = tostring(usb_bus() and usb_bus().value) .. "." .. tostring(usb_device() and usb_device().value)
    sessions[key] = sessions[key] or new_session()
    r = classify(sessions[key], dir, s)
    frames[pinfo.number] = r
  end
  if r.kind == "unknown" then return 0 end
  local t = tree:add(edl, tvb())
  t:add(f.direction, dir == "in" and "device to host" or "host to device")
  local protocol, summary
  if r.kind == "sahara" then
    protocol, summary = "Sahara", sahara_tree(t, tvb, s, r)
  elseif r.kind == "firehose" then
    protocol, summary = "Firehose", firehose_tree(t, tvb, dir, r)
  elseif r.kind == "raw" then
    protocol = "EDL data"
    t:add(f.raw_for, r.label)
    t:add(f.raw_bytes, r.bytes)
    t:add(f.raw_done, UInt64.new(r.done))
    t:add(f.raw_total, UInt64.new(r.total))
    summary = string.format("data for %s: %d bytes (%d/%d)", r.label, r.bytes, r.done, r.total)
  else
    protocol, summary = "EDL", "zero-length packet"
  end
  t:add(f.protocol, protocol)
  t:add(f.summary, summary)
  t:append_text(": " .. summary)
  pinfo.cols.protocol:set(protocol)
  pinfo.cols.info:set(summary)
  return tvb:len()
end

-- Registered for the EDL VID:PID (known from the enumeration in the capture) and, for captures
-- that start after enumeration, as a heuristic on USB bulk that accepts only a Sahara HELLO or a
-- Firehose document (later frames of that device follow from its session).
DissectorTable.get("usb.product"):add(0x05c69008, edl)
local function heuristic(tvb, pinfo, tree)
  local s = tvb:raw(0, math.min(tvb:len(), 64))
  local known = frames[pinfo.number] ~= nil
  local hello = #s >= 8 and u32(s, 0) == 1 and u32(s, 4) == 48
  if not (known or hello or s:find("^%s*<%?xml[^>]*>%s*<data>")) then return false end
  return edl.dissector(tvb, pinfo, tree) > 0
end
edl:register_heuristic("usb.bulk", heuristic)
