"""Regenerate ``fakedruid/api/druid_paths.py`` from Druid's jars: every JAX-RS route the Coordinator and Overlord serve.

Not part of the package and not run by the tests; the generated table is checked in. Usage::

    python3 tools/extract_druid_paths.py 28.0.0=DIR 29.0.1=DIR 37.0.0=DIR > fakedruid/api/druid_paths.py

Each ``DIR`` holds ``druid-server``, ``druid-indexing-service``, ``druid-processing`` and (where Maven Central has
it) ``druid-services`` jars of that version, e.g. fetched with
``mvn dependency:copy -Dartifact=org.apache.druid:druid-server:37.0.0 -DoutputDirectory=DIR``. A version without a
``druid-services`` jar borrows the resource bindings of the nearest version that has one (29.0.1 is not on
Central; its bindings are 28.0.0's, which the source of ``CliCoordinator``/``CliOverlord`` at 29.0.1 confirms).

How a row is found, from the class files alone (no Java needed):

1. Bindings. ``Jerseys.addResource(binder, X.class)`` calls are read from the bytecode (an ``ldc`` of a class
   constant followed by ``invokestatic Jerseys.addResource``). ``CliCoordinator*`` classes bind the Coordinator's
   resources, ``CliOverlord*`` the Overlord's; a module that ``CliCoordinator``/``CliOverlord`` instantiates
   (``SamplerModule``...) binds for that process; ``JettyServerModule`` (``StatusResource``) binds on every process.
2. Routes. For each bound resource (and its superclasses), the ``javax.ws.rs.Path`` annotation of the class joined
   with that of each method carrying an HTTP-method annotation (``@GET``, ``@POST``, ..., or one meta-annotated with
   ``@HttpMethod``). ``@Consumes``/``@Produces`` are kept as written on the method (or class).
3. The web console's static paths (``WebConsoleJettyServerInitializer``) and the Coordinator's legacy redirect
   paths are not JAX-RS routes and are not in the table.
"""

from __future__ import annotations

import io
import re
import struct
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

HTTP_METHODS = {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"}
RS = ("javax/ws/rs/", "jakarta/ws/rs/")
#: Maven module directory in apache/druid for each jar, to give every row a repository path.
MODULE_DIRS = {
    "druid-server": "server",
    "druid-indexing-service": "indexing-service",
    "druid-processing": "processing",
    "druid-services": "services",
}


@dataclass
class ClassInfo:
    name: str  # internal name, a/b/C
    jar: str
    super_name: str | None
    source_file: str | None
    annotations: dict[str, dict[str, object]]
    methods: list[tuple[str, dict[str, dict[str, object]]]]
    #: (class constant loaded, method invoked right after) pairs, for the binding scan.
    ldc_calls: list[tuple[str, str]] = field(default_factory=list)
    news: set[str] = field(default_factory=set)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def u1(self) -> int:
        v = self.data[self.pos]
        self.pos += 1
        return v

    def u2(self) -> int:
        (v,) = struct.unpack_from(">H", self.data, self.pos)
        self.pos += 2
        return int(v)

    def u4(self) -> int:
        (v,) = struct.unpack_from(">I", self.data, self.pos)
        self.pos += 4
        return int(v)

    def take(self, n: int) -> bytes:
        v = self.data[self.pos : self.pos + n]
        self.pos += n
        return v


def _parse_class(data: bytes, jar: str) -> ClassInfo:
    r = _Reader(data)
    assert r.u4() == 0xCAFEBABE
    r.u2(), r.u2()
    count = r.u2()
    cp: list[object] = [None] * count
    i = 1
    while i < count:
        tag = r.u1()
        if tag == 1:
            cp[i] = r.take(r.u2()).decode("utf-8", "replace")
        elif tag in (3, 4):
            cp[i] = r.u4()
        elif tag in (5, 6):
            r.take(8)
            i += 1
        elif tag in (7, 8, 16, 19, 20):
            cp[i] = (tag, r.u2())
        elif tag in (9, 10, 11, 12, 17, 18):
            cp[i] = (tag, r.u2(), r.u2())
        elif tag == 15:
            cp[i] = (tag, r.u1(), r.u2())
        else:
            raise ValueError(f"constant pool tag {tag}")
        i += 1

    def utf(idx: int) -> str:
        v = cp[idx]
        assert isinstance(v, str)
        return v

    def class_name(idx: int) -> str:
        v = cp[idx]
        assert isinstance(v, tuple)
        return utf(v[1])

    def element() -> object:
        tag = chr(r.u1())
        if tag in "BCDFIJSZ":
            r.u2()
            return None
        if tag == "s":
            return utf(r.u2())
        if tag == "e":
            r.u2()
            return utf(r.u2())
        if tag == "c":
            return utf(r.u2())
        if tag == "@":
            return annotation()
        if tag == "[":
            return [element() for _ in range(r.u2())]
        raise ValueError(tag)

    def annotation() -> tuple[str, dict[str, object]]:
        type_name = utf(r.u2())
        pairs = {utf(r.u2()): element() for _ in range(r.u2())}
        return type_name, pairs

    def attributes() -> tuple[dict[str, dict[str, object]], str | None, bytes | None]:
        annotations: dict[str, dict[str, object]] = {}
        source = None
        code = None
        for _ in range(r.u2()):
            name = utf(r.u2())
            length = r.u4()
            end = r.pos + length
            if name == "RuntimeVisibleAnnotations":
                for _ in range(r.u2()):
                    t, p = annotation()
                    annotations[t] = p
            elif name == "SourceFile":
                source = utf(r.u2())
            elif name == "Code":
                r.u2(), r.u2()
                code = r.take(r.u4())
            r.pos = end
        return annotations, source, code

    r.u2()
    this = class_name(r.u2())
    super_idx = r.u2()
    super_name = class_name(super_idx) if super_idx else None
    r.take(2 * r.u2())
    for _ in range(r.u2()):  # fields
        r.take(6)
        attributes()
    methods: list[tuple[str, dict[str, dict[str, object]]]] = []
    codes: list[bytes] = []
    for _ in range(r.u2()):
        r.u2()
        mname = utf(r.u2())
        r.u2()
        ann, _, code = attributes()
        methods.append((mname, ann))
        if code is not None:
            codes.append(code)
    ann, source, _ = attributes()
    info = ClassInfo(this, jar, super_name, source, ann, methods)
    for code in codes:
        _scan_code(code, cp, class_name, info)
    return info


# Operand sizes of the opcodes we must step over (tableswitch/lookupswitch/wide handled separately).
_OPERANDS = {
    **{op: 1 for op in (0x10, 0x12, 0x15, 0x16, 0x17, 0x18, 0x19, 0x36, 0x37, 0x38, 0x39, 0x3A, 0xA9, 0xBC)},
    **{op: 2 for op in (0x11, 0x13, 0x14, 0x84, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xBB, 0xBD, 0xC0, 0xC1,
                        0xC6, 0xC7, *range(0x99, 0xA9))},
    0xC5: 3,
    0xB9: 4,
    0xBA: 4,
    0xC8: 4,
    0xC9: 4,
}


def _scan_code(code: bytes, cp: list[object], class_name: object, info: ClassInfo) -> None:
    """Record ``ldc <class>`` followed by an ``invokestatic``, and every ``new``."""
    pc = 0
    last_class: str | None = None

    def member(idx: int) -> str:
        ref = cp[idx]
        assert isinstance(ref, tuple)
        owner = class_name(ref[1])  # type: ignore[operator]
        nat = cp[ref[2]]
        assert isinstance(nat, tuple)
        return f"{owner}.{cp[nat[1]]}"

    while pc < len(code):
        op = code[pc]
        if op in (0x12, 0x13):
            idx = code[pc + 1] if op == 0x12 else struct.unpack_from(">H", code, pc + 1)[0]
            const = cp[idx]
            last_class = class_name(idx) if isinstance(const, tuple) and const[0] == 7 else None  # type: ignore[operator]
            pc += 2 if op == 0x12 else 3
            continue
        if op == 0xB8:
            idx = struct.unpack_from(">H", code, pc + 1)[0]
            if last_class is not None:
                info.ldc_calls.append((last_class, member(idx)))
            last_class = None
            pc += 3
            continue
        if op == 0xBB:
            info.news.add(class_name(struct.unpack_from(">H", code, pc + 1)[0]))  # type: ignore[operator]
        last_class = None  # Jerseys.addResource(binder, X.class) compiles to ldc X directly before the call
        if op == 0xAA:  # tableswitch
            pc = (pc + 4) & ~3
            low, high = struct.unpack_from(">ii", code, pc + 4)
            pc += 12 + 4 * (high - low + 1)
        elif op == 0xAB:  # lookupswitch
            pc = (pc + 4) & ~3
            (npairs,) = struct.unpack_from(">i", code, pc + 4)
            pc += 8 + 8 * npairs
        elif op == 0xC4:  # wide
            pc += 6 if code[pc + 1] == 0x84 else 4
        else:
            pc += 1 + _OPERANDS.get(op, 0)


def load(version_dir: Path) -> dict[str, ClassInfo]:
    classes: dict[str, ClassInfo] = {}
    for jar in sorted(version_dir.glob("*.jar")):
        module = re.sub(r"-\d[\d.]*\.jar$", "", jar.name)
        with zipfile.ZipFile(jar) as zf:
            for entry in zf.namelist():
                if entry.endswith(".class") and entry.startswith("org/apache/druid/"):
                    data = zf.read(entry)
                    info = _parse_class(io.BytesIO(data).read(), module)
                    classes[info.name] = info
    return classes


def _ann(anns: dict[str, dict[str, object]], simple: str) -> dict[str, object] | None:
    for prefix in RS:
        if prefix + simple in {k[1:-1] for k in anns}:
            return anns["L" + prefix + simple + ";"]
    return None


def bindings(classes: dict[str, ClassInfo]) -> dict[str, set[str]]:
    """Resource class -> processes ("coordinator", "overlord") that bind it."""
    binders: dict[str, set[str]] = {}
    for info in classes.values():
        for const, called in info.ldc_calls:
            if called == "org/apache/druid/guice/Jerseys.addResource":
                binders.setdefault(info.name, set()).add(const)
    result: dict[str, set[str]] = {}
    for process, cli in (("coordinator", "org/apache/druid/cli/CliCoordinator"),
                         ("overlord", "org/apache/druid/cli/CliOverlord")):
        cli_classes = [c for n, c in classes.items() if n == cli or n.startswith(cli + "$")]
        modules = {m for c in cli_classes for m in c.news} | {c.name for c in cli_classes}
        modules.add("org/apache/druid/server/initialization/jetty/JettyServerModule")
        for module in modules:
            for resource in binders.get(module, ()):
                result.setdefault(resource, set()).add(process)
    return result


def _join(*parts: str) -> str:
    path = "/".join(p.strip("/") for p in parts if p and p.strip("/"))
    return "/" + path


def routes(classes: dict[str, ClassInfo], bound: dict[str, set[str]]) -> list[dict[str, object]]:
    http_annotations = {f"L{p}{m};": m for p in RS for m in HTTP_METHODS}
    for info in classes.values():  # custom methods meta-annotated with @HttpMethod
        meta = _ann(info.annotations, "HttpMethod")
        if meta is not None:
            http_annotations[f"L{info.name};"] = str(meta["value"])
    rows = []
    for resource, processes in bound.items():
        top = classes[resource]
        class_path = _ann(top.annotations, "Path")
        chain = []
        cls: ClassInfo | None = top
        while cls is not None:
            chain.append(cls)
            cls = classes.get(cls.super_name or "")
        seen: set[tuple[str, str]] = set()
        for cls in chain:
            for mname, anns in cls.methods:
                verbs = [v for k, v in http_annotations.items() if k in anns]
                if not verbs:
                    continue
                mpath = _ann(anns, "Path")
                path = _join(str(class_path["value"]) if class_path else "", str(mpath["value"]) if mpath else "")
                for verb in verbs:
                    if (verb, path) in seen:
                        continue
                    seen.add((verb, path))
                    consumes = _ann(anns, "Consumes") or _ann(cls.annotations, "Consumes")
                    produces = _ann(anns, "Produces") or _ann(cls.annotations, "Produces")
                    package_dir = cls.name.rsplit("/", 1)[0]
                    rows.append({
                        "method": verb,
                        "path": path,
                        "processes": tuple(sorted(processes)),
                        "resource": cls.name.rsplit("/", 1)[1],
                        "java_method": mname,
                        "source": f"{MODULE_DIRS[cls.jar]}/src/main/java/{package_dir}/{cls.source_file}",
                        "consumes": tuple(consumes["value"]) if consumes else (),  # type: ignore[arg-type]
                        "produces": tuple(produces["value"]) if produces else (),  # type: ignore[arg-type]
                    })
    return rows


def main(argv: list[str]) -> int:
    per_version: dict[str, list[dict[str, object]]] = {}
    bound_by_version: dict[str, dict[str, set[str]]] = {}
    for arg in argv:
        version, _, directory = arg.partition("=")
        classes = load(Path(directory))
        if "org/apache/druid/cli/CliCoordinator" in classes:
            bound_by_version[version] = bindings(classes)
            bound = bound_by_version[version]
        else:
            donor = max(v for v in bound_by_version if v <= version)
            print(f"# {version}: no druid-services jar, bindings of {donor}", file=sys.stderr)
            bound = {k: v for k, v in bound_by_version[donor].items() if k in classes}
        per_version[version] = routes(classes, bound)
    merged: dict[tuple[object, ...], dict[str, object]] = {}
    for version, rows in per_version.items():
        for row in rows:
            key = (row["method"], row["path"], row["processes"], row["resource"], row["source"],
                   row["consumes"], row["produces"])
            merged.setdefault(key, {**row, "versions": []})["versions"].append(version)  # type: ignore[union-attr]
    out = sys.stdout
    out.write(HEADER.format(args=" ".join(a.partition("=")[0] + "=DIR" for a in argv)))
    for row in sorted(merged.values(), key=lambda r: (str(r["path"]), str(r["method"]), r["versions"])):
        fields = (row["method"], row["path"], row["processes"], tuple(row["versions"]),  # type: ignore[call-overload]
                  row["resource"], row["java_method"], row["source"], row["consumes"], row["produces"])
        out.write(f"    ({fields[0]!r}, {fields[1]!r},\n")
        out.write(f"     {fields[2]!r}, {fields[3]!r},\n")
        out.write(f"     {fields[4]!r}, {fields[5]!r},\n")
        out.write(f"     {fields[6]!r},\n")
        out.write(f"     {fields[7]!r}, {fields[8]!r}),\n")
    out.write(")\n")
    return 0


HEADER = '''"""Druid's Coordinator and Overlord routes.

GENERATED by ``tools/extract_druid_paths.py {args}``.

Layer: api data, stdlib only; read it through :mod:`fakedruid.api.druid_paths`. Do not edit by hand: rerun
the tool. Fields: method, path template, processes, versions, resource class, Java method, source file,
@Consumes, @Produces.
"""

from __future__ import annotations

Row = tuple[str, str, tuple[str, ...], tuple[str, ...], str, str, str, tuple[str, ...], tuple[str, ...]]

ROWS: tuple[Row, ...] = (
'''


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
