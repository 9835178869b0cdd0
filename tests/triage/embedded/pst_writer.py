"""A minimal writer of Outlook's Unicode PST files ([MS-PST], the Personal Folders File
format; libyal's "Personal Folder File (PFF) format" describes the same), so that the tests
can build a mail store in the documented layout: libpff reads PST files but cannot create
them, and no PST writer is packaged for this machine.

`build_pst({"Inbox": [Message("subject", "body", {"name.jpg": b"..."})]})` gives the bytes
of a PST whose root folder holds one folder per key, each with its messages and their
attachments (by value). Only what a reader needs is written, each part as the
specification lays it out:

- the NDB layer (2.2): the header with both CRCs, an allocation map and the deprecated
  PMap, data blocks with their trailers (NDB_CRYPT_NONE: the data is not encoded), data
  trees (XBLOCK) for data over one block, subnode blocks (SLBLOCK), and the node and block
  B-trees (NBT, BBT) as leaf pages, under index pages when one page is not enough;
- the LTP layer (2.3): heap-on-node, BTH, property contexts and table contexts;
- the messaging layer (2.4): the message store, the name-to-ID map (one named property), the root
  folder and its folders with their hierarchy, contents and associated contents tables,
  messages with their recipient and attachment tables, and attachment objects.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

# -- NDB constants (2.2.2) ----------------------------------------------------------------

PAGE = 512  # 2.2.2.7: every page is 512 bytes, 496 of them data, then a 16-byte trailer
BLOCK_DATA_MAX = 8192 - 16  # 2.2.2.8: a block is at most 8192 bytes, trailer included
HEAP_ALLOC_MAX = 3580  # 2.3.1.1: larger values go to a subnode
AMAP_AT = 0x4400  # 2.2.2.7.2: the first AMap page; the first PMap follows it
PTYPE_BBT, PTYPE_NBT, PTYPE_PMAP, PTYPE_AMAP = 0x80, 0x81, 0x83, 0x84

# NID types (2.2.2.1) and the fixed NIDs (2.4.1).
NID_TYPE_NORMAL_FOLDER, NID_TYPE_NORMAL_MESSAGE, NID_TYPE_ATTACHMENT = 0x02, 0x04, 0x05
NID_TYPE_HIERARCHY_TABLE, NID_TYPE_CONTENTS_TABLE, NID_TYPE_ASSOC_CONTENTS_TABLE = 13, 14, 15
NID_TYPE_LTP = 0x1F
NID_MESSAGE_STORE, NID_NAME_TO_ID_MAP, NID_ROOT_FOLDER = 0x21, 0x61, 0x122
NID_ATTACHMENT_TABLE, NID_RECIPIENT_TABLE = 0x671, 0x692

# Property types ([MS-OXCDATA] 2.11.1) and the tags used here ([MS-OXPROPS]).
PT_LONG, PT_BOOLEAN, PT_TIME, PT_UNICODE, PT_BINARY = 0x0003, 0x000B, 0x0040, 0x001F, 0x0102
TAG_LTP_ROW_ID, TAG_LTP_ROW_VER = 0x67F20003, 0x67F30003
# A fixed FILETIME (2024-01-01) so that the same call writes the same bytes.
FILETIME = 133485408000000000


def nid(index: int, nid_type: int) -> int:
    return (index << 5) | nid_type  # 2.2.2.1: nidType in the low 5 bits


def crc(data: bytes) -> int:
    """5.3: the CRC-32 of the specification starts at 0 and is not inverted; zlib's is
    inverted on the way in and out, so undo both."""
    return zlib.crc32(data, 0xFFFFFFFF) ^ 0xFFFFFFFF


def signature(ib: int, bid: int) -> int:
    """5.5 ComputeSig: a page's or block's signature from its offset and BID."""
    value = ib ^ bid
    return ((value >> 16) ^ value) & 0xFFFF


# -- LTP: heap-on-node, BTH, property and table contexts (2.3) ----------------------------


class Heap:
    """2.3.1 heap-on-node in one block: HNHDR, the allocations, then HNPAGEMAP."""

    def __init__(self, client_signature: int) -> None:
        self.client_signature = client_signature  # 0xBC property context, 0x7C table
        self.allocations: list[bytes] = []
        self.root = 0

    def allocate(self, data: bytes) -> int:
        if len(data) > HEAP_ALLOC_MAX:
            raise ValueError("a heap allocation is at most 3580 bytes (2.3.1.1)")
        self.allocations.append(data)
        return len(self.allocations) << 5  # 2.3.1.1 HID: hidIndex from 1, block 0

    def replace(self, hid: int, data: bytes) -> None:
        self.allocations[(hid >> 5) - 1] = data

    def to_bytes(self) -> bytes:
        offsets, body = [], b""
        for data in self.allocations:
            offsets.append(12 + len(body))
            body += data
        offsets.append(12 + len(body))
        body += b"\x00" * (len(body) % 2)  # HNPAGEMAP starts on a 2-byte boundary
        page_map = struct.pack(f"<HH{len(offsets)}H", len(self.allocations), 0, *offsets)
        header = struct.pack("<HBBII", 12 + len(body), 0xEC, self.client_signature,
                             self.root, 0)
        return header + body + page_map


def bth(heap: Heap, key_size: int, entry_size: int,
        records: Iterable[tuple[int, bytes]]) -> int:
    """2.3.2 a BTH of one leaf level: BTHHEADER, then the records in the order of their
    keys (numbers, written little-endian)."""
    leaf = b"".join(key.to_bytes(key_size, "little") + data
                    for key, data in sorted(records, key=lambda r: r[0]))
    root = heap.allocate(leaf) if leaf else 0
    return heap.allocate(struct.pack("<BBBBI", 0xB5, key_size, entry_size, 0, root))


@dataclass(frozen=True)
class SubnodeValue:
    """A value too large for the heap: it lives in a subnode of the node (2.3.3.2)."""

    data: bytes


# (tag, value): the value an int, bool, str, bytes, FILETIME int, or SubnodeValue.
Properties = list[tuple[int, object]]


@dataclass
class Node:
    """What a node holds: its data, and its subnodes by NID (each with its own subnodes)."""

    data: bytes
    subnodes: dict[int, Node] = field(default_factory=dict)


def _encode(tag: int, value: object) -> bytes:
    kind = tag & 0xFFFF
    if kind == PT_UNICODE:
        assert isinstance(value, str)
        return value.encode("utf-16-le")
    if kind == PT_TIME:
        assert isinstance(value, int)
        return struct.pack("<Q", value)
    assert isinstance(value, bytes), hex(tag)
    return value


def property_context(properties: Properties) -> Node:
    """2.3.3 a PC: a heap whose root is a BTH of (wPropId, wPropType) -> dwValueHnid.
    Values of up to 4 bytes are kept in the record; others in the heap, or in a subnode
    when larger than a heap allocation."""
    heap = Heap(0xBC)
    subnodes: dict[int, Node] = {}
    records = []
    for tag, value in properties:
        kind = tag & 0xFFFF
        if kind == PT_LONG:
            assert isinstance(value, int)
            inline = struct.pack("<i", value)
        elif kind == PT_BOOLEAN:
            inline = struct.pack("<I", 1 if value else 0)
        else:
            data = value.data if isinstance(value, SubnodeValue) else _encode(tag, value)
            if isinstance(value, SubnodeValue) or len(data) > HEAP_ALLOC_MAX:
                sub = nid(0x100 + len(subnodes), NID_TYPE_LTP)  # an HNID that is a NID
                subnodes[sub] = Node(data)
                inline = struct.pack("<I", sub)
            else:
                inline = struct.pack("<I", heap.allocate(data))
        records.append((tag >> 16, struct.pack("<H", kind) + inline))
    heap.root = bth(heap, 2, 6, records)
    return Node(heap.to_bytes(), subnodes)


_CELL_SIZE = {PT_LONG: 4, PT_BOOLEAN: 1, PT_TIME: 8, PT_UNICODE: 4, PT_BINARY: 4}


def table_context(columns: list[int], rows: list[dict[int, object]]) -> Node:
    """2.3.4 a TC: TCINFO, the row index (a BTH of row ID -> row number) and the row
    matrix, each row laid out by TCINFO's groups: 8- and 4-byte cells (the row ID and
    version first), then 2-byte, then 1-byte cells, then the cell existence bitmap."""
    heap = Heap(0x7C)
    fixed = (TAG_LTP_ROW_ID, TAG_LTP_ROW_VER)
    tags = [*fixed, *sorted(t for t in columns if t not in fixed)]
    offsets: dict[int, int] = {}
    at = 0
    for group in ((8, 4), (2,), (1,)):
        for tag in tags:
            if _CELL_SIZE[tag & 0xFFFF] in group:
                offsets[tag] = at
                at += _CELL_SIZE[tag & 0xFFFF]
        if group == (8, 4):
            end_4b = at
        elif group == (2,):
            end_2b = at
    end_1b = at
    row_size = at + (len(tags) + 7) // 8
    bits = {tag: index for index, tag in enumerate(tags)}
    matrix, row_index = b"", []
    for number, row in enumerate(rows):
        row_id = row[TAG_LTP_ROW_ID]
        assert isinstance(row_id, int)
        row_index.append((row_id, struct.pack("<I", number)))
        cells = bytearray(row_size)
        for tag, value in row.items():
            kind, where = tag & 0xFFFF, offsets[tag]
            if kind == PT_LONG:
                assert isinstance(value, int)
                cells[where:where + 4] = struct.pack("<I", value & 0xFFFFFFFF)
            elif kind == PT_BOOLEAN:
                cells[where] = 1 if value else 0
            elif kind == PT_TIME:
                assert isinstance(value, int)
                cells[where:where + 8] = struct.pack("<Q", value)
            else:  # variable size: an HNID into this node's heap
                cells[where:where + 4] = struct.pack("<I", heap.allocate(_encode(tag, value)))
            bit = bits[tag]
            cells[end_1b + bit // 8] |= 0x80 >> (bit % 8)  # CEB: most significant bit first
        matrix += bytes(cells)
    # 2.3.4.3: a row matrix within one heap allocation (enough for the tables written here).
    rows_hid = heap.allocate(matrix) if matrix else 0
    index = bth(heap, 4, 4, row_index)
    descriptors = b"".join(
        struct.pack("<IHBB", tag, offsets[tag], _CELL_SIZE[tag & 0xFFFF], bits[tag])
        for tag in tags)
    info = struct.pack("<BB4HIII", 0x7C, len(tags), end_4b, end_2b, end_1b, row_size,
                       index, rows_hid, 0) + descriptors
    heap.root = heap.allocate(info)
    return Node(heap.to_bytes())


# -- NDB: blocks, subnodes, B-trees, the header (2.2) -------------------------------------


class _File:
    """Collects blocks and nodes, then lays them out: header, AMap, PMap, the blocks (each
    a multiple of 64 bytes ending in its trailer), then the B-tree pages."""

    def __init__(self) -> None:
        self.blocks: list[tuple[int, bytes]] = []
        self.nodes: list[tuple[int, int, int, int]] = []  # nid, bidData, bidSub, nidParent
        self.next_block = 1
        self.next_page = 1

    def block(self, data: bytes, internal: bool = False) -> int:
        # 2.2.2.2 BID: bit 0 reserved, bit 1 set for internal blocks (XBLOCK, SLBLOCK)
        bid = (self.next_block << 2) | (2 if internal else 0)
        self.next_block += 1
        self.blocks.append((bid, data))
        return bid

    def data(self, data: bytes) -> int:
        """A node's data: one block, or a data tree (2.2.2.8.3.2.1 XBLOCK) of blocks of
        up to 8176 bytes each."""
        if len(data) <= BLOCK_DATA_MAX:
            return self.block(data)
        bids = [self.block(data[at:at + BLOCK_DATA_MAX])
                for at in range(0, len(data), BLOCK_DATA_MAX)]
        xblock = struct.pack(f"<BBHI{len(bids)}Q", 0x01, 0x01, len(bids), len(data), *bids)
        return self.block(xblock, internal=True)

    def node(self, node: Node) -> tuple[int, int]:
        """bidData and bidSub of a node; its subnodes go in an SLBLOCK (2.2.2.8.3.3.1.1),
        each entry with its own bidSub for its own subnodes."""
        bid_data = self.data(node.data)
        if not node.subnodes:
            return bid_data, 0
        entries = b""
        for sub in sorted(node.subnodes):
            sub_data, sub_sub = self.node(node.subnodes[sub])
            entries += struct.pack("<QQQ", sub, sub_data, sub_sub)
        slblock = struct.pack("<BBHI", 0x02, 0x00, len(node.subnodes), 0) + entries
        return bid_data, self.block(slblock, internal=True)

    def add(self, node_id: int, node: Node, parent: int = 0) -> None:
        self.nodes.append((node_id, *self.node(node), parent))

    def page_bid(self) -> int:
        bid = self.next_page << 2  # pages have their own BID sequence (bidNextP)
        self.next_page += 1
        return bid

    def to_bytes(self, next_index: dict[int, int]) -> bytes:
        out = bytearray(AMAP_AT + 2 * PAGE)
        bbt: list[tuple[int, bytes]] = []
        for bid, data in self.blocks:
            ib = len(out)
            size = -(-(len(data) + 16) // 64) * 64
            # 2.2.2.8.1 BLOCKTRAILER: cb, wSig, dwCRC, bid, at the end of the block
            trailer = struct.pack("<HHIQ", len(data), signature(ib, bid), crc(data), bid)
            out += data + b"\x00" * (size - len(data) - 16) + trailer
            # 2.2.2.7.7.3 BBTENTRY: BREF (the key, then ib), cb, cRef
            bbt.append((bid, struct.pack("<QHHI", ib, len(data), 2, 0)))
        out += b"\x00" * (-len(out) % PAGE)
        # 2.2.2.7.7.4 NBTENTRY: nid (the key, 8 bytes), bidData, bidSub, nidParent
        nbt = [(n, struct.pack("<QQII", data, sub, parent, 0))
               for n, data, sub, parent in self.nodes]
        nbt_root = self._btree(out, PTYPE_NBT, nbt, 32)
        bbt_root = self._btree(out, PTYPE_BBT, bbt, 24)
        # 2.2.2.7.2 AMap: one bit per 64 bytes from its own offset, set where allocated;
        # 2.2.2.7.3 PMap (deprecated): all set. Their BIDs are their offsets.
        allocated = (len(out) - AMAP_AT) // 64
        assert allocated <= 496 * 8, "one AMap page covers 253,952 bytes"
        bits = bytearray(496)
        for slot in range(allocated):
            bits[slot // 8] |= 0x80 >> (slot % 8)
        self._page(out, AMAP_AT, PTYPE_AMAP, bytes(bits), AMAP_AT, signed=False)
        self._page(out, AMAP_AT + PAGE, PTYPE_PMAP, b"\xff" * 496, AMAP_AT + PAGE,
                   signed=False)
        free = 496 * 8 * 64 - allocated * 64
        self._header(out, nbt_root, bbt_root, free, next_index)
        return bytes(out)

    def _page(self, out: bytearray, ib: int, ptype: int, data: bytes, bid: int,
              signed: bool = True) -> None:
        # 2.2.2.7.1 PAGETRAILER: ptype twice, wSig (0 for map pages), dwCRC, bid
        sig = signature(ib, bid) if signed else 0
        out[ib:ib + PAGE] = data + struct.pack("<BBHIQ", ptype, ptype, sig, crc(data), bid)

    def _btree(self, out: bytearray, ptype: int, entries: list[tuple[int, bytes]],
               entry_size: int) -> tuple[int, int]:
        """2.2.2.7.7 BTPAGE: leaf pages of (key, rest) sorted by key, under levels of
        index pages of BTENTRYs (key, BREF) while a level needs more than one
        page. Returns the root's BREF."""
        entries = sorted(entries)
        level: list[tuple[int, bytes]] = [(key, struct.pack("<Q", key) + rest)
                                          for key, rest in entries]
        size, depth = entry_size, 0
        while True:
            refs = []
            for at in range(0, len(level), 488 // size):
                chunk = level[at:at + 488 // size]
                body = b"".join(raw for _, raw in chunk).ljust(488, b"\x00")
                body += struct.pack("<BBBBI", len(chunk), 488 // size, size, depth, 0)
                ib, bid = len(out), self.page_bid()
                out += b"\x00" * PAGE
                self._page(out, ib, ptype, body, bid)
                refs.append((chunk[0][0], struct.pack("<QQQ", chunk[0][0], bid, ib)))
            if len(refs) == 1:
                _, raw = refs[0]
                _, bid, ib = struct.unpack("<QQQ", raw)
                return bid, ib
            level, size, depth = refs, 24, depth + 1  # 2.2.2.7.7.2 BTENTRY

    def _header(self, out: bytearray, nbt: tuple[int, int], bbt: tuple[int, int],
                amap_free: int, next_index: dict[int, int]) -> None:
        """2.2.2.6 HEADER (Unicode, 564 bytes) with ROOT (2.2.2.5) at offset 180."""
        rgnid = [next_index.get(t, 0x400) for t in range(32)]
        root = struct.pack("<IQQQQQQQQBBH", 0, len(out), AMAP_AT, amap_free, 0,
                           *nbt, *bbt, 0x02, 0, 0)  # fAMapValid: VALID_AMAP2
        head = struct.pack("<2sHHBBIIQQI32IQ", b"SM", 23, 19, 1, 1, 0, 0, 0,
                           self.page_bid(), 0x1234, *rgnid, 0)
        head += root + b"\x00" * 4 + b"\xff" * 256
        head += struct.pack("<BBHQ", 0x80, 0x00, 0, self.next_block << 2)  # NDB_CRYPT_NONE
        assert len(head) == 516
        full = struct.pack("<4sI", b"!BDN", crc(head[:471])) + head
        full += struct.pack("<I", crc(head)) + b"\x00" * 36
        out[:len(full)] = full


# -- Messaging: the store, folders, messages, attachments (2.4) ---------------------------

STORE_UID = bytes(range(0x10, 0x20))  # the store's record key: any 16 bytes

# 2.4.4.4.1, 2.4.4.5.1, 2.4.4.6.1, 2.4.5.2 and 2.4.6.1.1: the columns kept from each
# table's template, enough for a reader to list and name what the table holds.
HIERARCHY_COLUMNS = [0x3001001F, 0x36020003, 0x36030003, 0x360A000B, 0x3613001F]
CONTENTS_COLUMNS = [0x001A001F, 0x0037001F, 0x0E060040, 0x0E070003, 0x0E080003, 0x0E170003]
ASSOC_COLUMNS = [0x001A001F, 0x0E070003]
RECIPIENT_COLUMNS = [0x0C150003, 0x3001001F, 0x3002001F, 0x3003001F]
ATTACHMENT_COLUMNS = [0x0E200003, 0x3704001F, 0x37050003, 0x3707001F, 0x370B0003]


@dataclass
class Message:
    subject: str
    body: str
    attachments: dict[str, bytes] = field(default_factory=dict)
    mime: str = "image/jpeg"


def _entry_id(node_id: int) -> bytes:
    """2.4.3.2 EntryID: flags, the store's UID, then the NID."""
    return struct.pack("<I16sI", 0, STORE_UID, node_id)


def _attachment(name: str, data: bytes, mime: str) -> tuple[Properties, dict[int, object]]:
    short = name if len(name) <= 12 else name[:8] + name[name.rfind("."):][:4]
    properties: Properties = [
        (0x0E200003, len(data)),  # PidTagAttachSize
        (0x37010102, SubnodeValue(data)),  # PidTagAttachDataBinary
        (0x3704001F, short),  # PidTagAttachFilename
        (0x37050003, 1),  # PidTagAttachMethod: afByValue
        (0x3707001F, name),  # PidTagAttachLongFilename
        (0x370B0003, -1),  # PidTagRenderingPosition: not rendered in the body
        (0x370E001F, mime),  # PidTagAttachMimeTag
        (0x7FFE000B, False),  # PidTagAttachmentHidden
    ]
    row: dict[int, object] = {0x0E200003: len(data), 0x3704001F: short, 0x37050003: 1,
                              0x3707001F: name, 0x370B0003: -1}
    return properties, row


def _message(message: Message) -> tuple[Node, dict[int, object]]:
    has_attachments = bool(message.attachments)
    flags = 0x01 | (0x10 if has_attachments else 0)  # MSGFLAG_READ, MSGFLAG_HASATTACH
    size = len(message.body) * 2 + sum(len(d) for d in message.attachments.values())
    node = property_context([
        (0x001A001F, "IPM.Note"),  # PidTagMessageClass
        (0x0037001F, message.subject),  # PidTagSubject
        (0x0E060040, FILETIME),  # PidTagMessageDeliveryTime
        (0x0E070003, flags),  # PidTagMessageFlags
        (0x0E080003, size),  # PidTagMessageSize
        (0x0E170003, 0),  # PidTagMessageStatus
        (0x1000001F, message.body),  # PidTagBody
        (0x0042001F, "Sender"),  # PidTagSentRepresentingName
        (0x0C1A001F, "Sender"),  # PidTagSenderName
        (0x30070040, FILETIME),  # PidTagCreationTime
        (0x30080040, FILETIME),  # PidTagLastModificationTime
    ])
    # 2.4.5.2 the recipient table, and 2.4.6.1 the attachment table: subnodes of the
    # message, as is each attachment object (2.4.6.2), whose row ID is its subnode NID.
    node.subnodes[NID_RECIPIENT_TABLE] = table_context(RECIPIENT_COLUMNS, [
        {TAG_LTP_ROW_ID: 1, TAG_LTP_ROW_VER: 1, 0x0C150003: 1, 0x3001001F: "Recipient",
         0x3002001F: "SMTP", 0x3003001F: "recipient@example.org"}])
    rows = []
    for number, (name, data) in enumerate(message.attachments.items()):
        attachment_nid = nid(0x400 + number, NID_TYPE_ATTACHMENT)
        properties, row = _attachment(name, data, message.mime)
        node.subnodes[attachment_nid] = property_context(properties)
        rows.append({TAG_LTP_ROW_ID: attachment_nid, TAG_LTP_ROW_VER: 1, **row})
    if rows:
        node.subnodes[NID_ATTACHMENT_TABLE] = table_context(ATTACHMENT_COLUMNS, rows)
    row = {0x001A001F: "IPM.Note", 0x0037001F: message.subject, 0x0E060040: FILETIME,
           0x0E070003: flags, 0x0E080003: size, 0x0E170003: 0}
    return node, row


def _folder(pst: _File, folder_nid: int, parent: int, properties: Properties,
            folders: list[tuple[int, dict[int, object]]],
            messages: list[tuple[int, dict[int, object]]]) -> None:
    """2.4.4 a folder: its property context, and its hierarchy, contents and associated
    contents tables, whose NIDs share the folder's index (2.4.4.1)."""
    pst.add(folder_nid, property_context(properties), parent)
    index = folder_nid >> 5

    def rows(items: list[tuple[int, dict[int, object]]]) -> list[dict[int, object]]:
        return [{TAG_LTP_ROW_ID: n, TAG_LTP_ROW_VER: 1, **row} for n, row in items]

    pst.add(nid(index, NID_TYPE_HIERARCHY_TABLE), table_context(HIERARCHY_COLUMNS,
                                                                rows(folders)))
    pst.add(nid(index, NID_TYPE_CONTENTS_TABLE), table_context(CONTENTS_COLUMNS,
                                                               rows(messages)))
    pst.add(nid(index, NID_TYPE_ASSOC_CONTENTS_TABLE), table_context(ASSOC_COLUMNS, []))


def _name_to_id_map() -> Node:
    """2.4.7 the name-to-ID map, with one numeric named property in PS_MAPI (property
    0x8000): libpff refuses a map whose entry stream is empty. 2.4.7.1 NAMEID: the
    LID, then N (bit 0: 0, numeric) and wGuid (1, PS_MAPI), then wPropIdx."""
    lid, guid_and_kind = 0x8501, (1 << 1) | 0
    name_id = struct.pack("<IHH", lid, guid_and_kind, 0)
    bucket = (lid ^ guid_and_kind) % 251  # 2.4.7.5: the hash of a numeric name
    return property_context([
        (0x00010003, 251),  # PidTagNameidBucketCount
        (0x00020102, STORE_UID),  # PidTagNameidStreamGuid: one GUID (unused by it)
        (0x00030102, name_id),  # PidTagNameidStreamEntry
        (0x00040102, struct.pack("<I", 0)),  # PidTagNameidStreamString: one empty name
        (((0x1000 + bucket) << 16) | PT_BINARY, name_id),  # its hash bucket
    ])


def build_pst(folders: dict[str, list[Message]],
              display_name: str = "Personal Folders") -> bytes:
    """A Unicode PST whose root folder holds `folders`, each with its messages."""
    pst = _File()
    # 2.4.3 the message store, and 2.4.7 the name-to-ID map.
    pst.add(NID_MESSAGE_STORE, property_context([
        (0x0FF90102, STORE_UID),  # PidTagRecordKey
        (0x3001001F, display_name),  # PidTagDisplayName
        (0x35E00102, _entry_id(NID_ROOT_FOLDER)),  # PidTagIpmSubTreeEntryId
    ]))
    pst.add(NID_NAME_TO_ID_MAP, _name_to_id_map())
    children: list[tuple[int, dict[int, object]]] = []
    next_message = 0x10000
    for number, (name, messages) in enumerate(folders.items(), start=1):
        folder_nid = nid(0x400 + number, NID_TYPE_NORMAL_FOLDER)
        listed = []
        for message in messages:
            next_message += 1
            message_nid = nid(next_message, NID_TYPE_NORMAL_MESSAGE)
            node, row = _message(message)
            pst.add(message_nid, node, folder_nid)
            listed.append((message_nid, row))
        summary: dict[int, object] = {0x3001001F: name, 0x36020003: len(messages),
                                      0x36030003: 0, 0x360A000B: False,
                                      0x3613001F: "IPF.Note"}
        _folder(pst, folder_nid, NID_ROOT_FOLDER, list(summary.items()), [], listed)
        children.append((folder_nid, summary))
    # 2.4.4.1: the root folder is its own parent.
    _folder(pst, NID_ROOT_FOLDER, NID_ROOT_FOLDER, [
        (0x3001001F, ""), (0x36020003, 0), (0x36030003, 0), (0x360A000B, bool(children))],
        children, [])
    folder_index = 0x400 + len(folders) + 1
    next_index = {t: folder_index for t in (NID_TYPE_NORMAL_FOLDER, NID_TYPE_HIERARCHY_TABLE,
                                            NID_TYPE_CONTENTS_TABLE,
                                            NID_TYPE_ASSOC_CONTENTS_TABLE)}
    next_index[NID_TYPE_NORMAL_MESSAGE] = next_message + 1
    return pst.to_bytes(next_index)
