# SPDX-License-Identifier: MIT
"""A minimal flattened-device-tree reader for the system tests.

Enough to answer "which nodes, which property values" about a DTB: the
configs (compiled with dtc) and the per-VM device trees shikiri-build writes.
Follows the DTB layout of the Devicetree Specification v0.4, chapter 5.
"""

import struct
import subprocess

FDT_MAGIC = 0xD00DFEED
FDT_BEGIN_NODE = 1
FDT_END_NODE = 2
FDT_PROP = 3
FDT_NOP = 4
FDT_END = 9


class Node:
    """One device-tree node: its name, properties (raw bytes) and children."""

    def __init__(self, name):
        self.name = name
        self.props = {}
        self.children = []

    def child(self, name):
        """The child called exactly @name, or None."""
        for c in self.children:
            if c.name == name:
                return c
        return None

    def cells(self, prop):
        """Property @prop as a list of big-endian u32 cells."""
        raw = self.props[prop]
        if len(raw) % 4:
            raise ValueError(f"{self.name}/{prop} is not a cell list")
        return list(struct.unpack(f">{len(raw) // 4}I", raw))

    def u64s(self, prop):
        """Property @prop as a list of u64 values, two cells each."""
        c = self.cells(prop)
        if len(c) % 2:
            raise ValueError(f"{self.name}/{prop} is not a u64 list")
        return [(c[i] << 32) | c[i + 1] for i in range(0, len(c), 2)]

    def string(self, prop):
        """Property @prop as one string (the first, if it is a list)."""
        return self.props[prop].split(b"\0")[0].decode()

    def find(self, path):
        """The node at @path ("/cpus/cpu@0"), relative to this one, or None."""
        node = self
        for part in [p for p in path.split("/") if p]:
            node = node.child(part)
            if node is None:
                return None
        return node


def parse(blob):
    """Parse a DTB (bytes) into its root Node."""
    (magic, totalsize, off_struct, off_strings, _, version, _, _,
     size_strings, size_struct) = struct.unpack_from(">10I", blob, 0)
    if magic != FDT_MAGIC:
        raise ValueError("not a flattened device tree")
    if version < 17 or totalsize > len(blob):
        raise ValueError(f"unsupported or truncated DTB (version {version})")
    strings = blob[off_strings:off_strings + size_strings]
    end = off_struct + size_struct
    pos = off_struct
    stack = []
    root = None

    while pos < end:
        (token,) = struct.unpack_from(">I", blob, pos)
        pos += 4
        if token == FDT_BEGIN_NODE:
            nul = blob.index(b"\0", pos)
            node = Node(blob[pos:nul].decode())
            pos = (nul + 4) & ~3
            if stack:
                stack[-1].children.append(node)
            else:
                root = node
            stack.append(node)
        elif token == FDT_END_NODE:
            stack.pop()
        elif token == FDT_PROP:
            length, nameoff = struct.unpack_from(">II", blob, pos)
            pos += 8
            name = strings[nameoff:strings.index(b"\0", nameoff)].decode()
            stack[-1].props[name] = blob[pos:pos + length]
            pos = (pos + length + 3) & ~3
        elif token == FDT_NOP:
            continue
        elif token == FDT_END:
            break
        else:
            raise ValueError(f"bad FDT token {token:#x} at {pos - 4:#x}")
    if root is None or stack:
        raise ValueError("unbalanced FDT structure block")
    return root


def load(path):
    """Parse the DTB file at @path."""
    with open(path, "rb") as f:
        return parse(f.read())


def compile_dts(path):
    """Compile the DTS file at @path with dtc and parse the result."""
    out = subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", str(path)],
                         check=True, stdout=subprocess.PIPE).stdout
    return parse(out)
