"""The real-Druid harness without a JVM: pom, settings and configuration files, JDK choice, seed rows, errors.

The real boot is exercised by the contract suite with ``--druid-real VERSION`` (``.ci/run``'s second stage).
"""

from __future__ import annotations

import json
import socket
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from fakedruid import cli
from fakedruid.real import (
    RealDruid,
    RealDruidError,
    StartFailed,
    ToolMissing,
    VersionUnavailable,
)
from fakedruid.real.cluster import check_seed, load_seed_file
from fakedruid.real.config import (
    Layout,
    Ports,
    basic_security_properties,
    coordinator_command,
    historical_command,
    write_config,
    zookeeper_command,
)
from fakedruid.real.jdk import find_jdk, java_versions_for, parse_druid_version
from fakedruid.real.maven import (
    Recipe,
    cache_root,
    extension_pom_xml,
    pom_xml,
    recipe_for,
    resolve_classpath,
    resolve_extension,
    settings_xml,
    stub_source,
)
from fakedruid.real.metadata import segment_rows

POM = "{http://maven.apache.org/POM/4.0.0}"
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "wikipedia_hour.json"


def _segment(ds: str = "wiki", hour: int = 0, **extra: object) -> dict[str, object]:
    obj: dict[str, object] = {
        "dataSource": ds,
        "interval": f"2015-09-12T{hour:02d}:00:00.000Z/2015-09-12T{hour + 1:02d}:00:00.000Z",
        "version": "v1",
        "loadSpec": {"type": "local", "path": "/etc/passwd"},
        "shardSpec": {"type": "numbered", "partitionNum": 0, "partitions": 1},
        "size": 10,
    }
    obj.update(extra)
    return obj


# ---------------------------------------------------------------------- versions and JDKs


@pytest.mark.parametrize("version", ["29", "29.0", "abc", "29.0.1-rc1", "", "27.0.0", "0.23.0"])
def test_unknown_version_is_refused(version: str) -> None:
    with pytest.raises(VersionUnavailable, match="Unknown Druid version"):
        parse_druid_version(version)


def test_unknown_version_refused_by_real_druid_before_anything_starts() -> None:
    with pytest.raises(VersionUnavailable, match=r"\[nope\]"):
        RealDruid("nope")


@pytest.mark.parametrize(
    ("version", "javas"),
    [("28.0.0", (17, 11)), ("29.0.1", (17, 11)), ("33.0.0", (17, 11)), ("37.0.0", (17, 11)),
     ("38.0.0", (25, 21)), ("39.0.0", (25,)), ("41.0.0", (25,))],
)
def test_java_versions_per_druid_version(version: str, javas: tuple[int, ...]) -> None:
    assert java_versions_for(version) == javas


def _fake_jdk(root: Path, name: str, java_version: str) -> Path:
    home = root / name
    (home / "bin").mkdir(parents=True)
    (home / "bin" / "java").write_text("#!/bin/sh\n")
    (home / "release").write_text(f'IMPLEMENTOR="x"\nJAVA_VERSION="{java_version}"\n')
    return home


def test_find_jdk_picks_the_preferred_java_of_the_version(tmp_path: Path) -> None:
    j17 = _fake_jdk(tmp_path, "java-17", "17.0.9")
    j25 = _fake_jdk(tmp_path, "temurin-25", "25.0.1")
    homes = [j25, j17, tmp_path / "not-a-jdk"]
    assert find_jdk("28.0.0", homes).home == j17
    assert find_jdk("39.0.0", homes).home == j25
    assert find_jdk("38.0.0", homes).feature == 25


def test_no_fitting_jdk_names_what_the_version_needs(tmp_path: Path) -> None:
    j17 = _fake_jdk(tmp_path, "java-17", "17.0.9")
    with pytest.raises(ToolMissing, match=r"Druid 39\.0\.0 needs a JDK of Java 25; found Java 17 at"):
        find_jdk("39.0.0", [j17])
    with pytest.raises(ToolMissing, match="found none"):
        find_jdk("28.0.0", [])


# ---------------------------------------------------------------------- Maven


def test_pom_depends_on_druid_services_without_sigar() -> None:
    root = ET.fromstring(pom_xml("28.0.0"))
    (dep,) = root.findall(f"{POM}dependencies/{POM}dependency")
    assert dep.findtext(f"{POM}groupId") == "org.apache.druid"
    assert dep.findtext(f"{POM}artifactId") == "druid-services"
    assert dep.findtext(f"{POM}version") == "28.0.0"
    exclusions = [(e.findtext(f"{POM}groupId"), e.findtext(f"{POM}artifactId")) for e in dep.iter(f"{POM}exclusion")]
    assert exclusions == [("org.hyperic", "sigar")]


def test_settings_mirror_every_repository_to_one() -> None:
    root = ET.fromstring(settings_xml("https://example.org/maven2"))
    (mirror,) = root.iter("mirror")
    assert mirror.findtext("mirrorOf") == "*"
    assert mirror.findtext("url") == "https://example.org/maven2"


def test_cache_root_from_environment(tmp_path: Path) -> None:
    assert cache_root({"FAKEDRUID_CACHE": str(tmp_path)}) == tmp_path
    assert cache_root({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "fakedruid"


def _fake_mvn(tmp_path: Path, script: str) -> Path:
    mvn = tmp_path / "mvn"
    mvn.write_text("#!/bin/sh\n" + script)
    mvn.chmod(mvn.stat().st_mode | stat.S_IXUSR)
    return mvn


def test_version_that_does_not_resolve_carries_mavens_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    error = "[ERROR] Could not find artifact org.apache.druid:druid-services:jar:29.0.1"
    mvn = _fake_mvn(tmp_path, f'echo "{error}"\nexit 1\n')
    monkeypatch.setenv("FAKEDRUID_MVN", str(mvn))
    with pytest.raises(VersionUnavailable, match=r"(?s)Druid 29\.0\.1 does not resolve.*Could not find artifact"):
        resolve_classpath("29.0.1", root=tmp_path / "cache")
    assert not (tmp_path / "cache" / "druid" / "29.0.1" / "lib").exists()


def test_resolved_classpath_is_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The fake mvn writes one jar into -DoutputDirectory and counts its calls.
    script = (
        'for a in "$@"; do case "$a" in -DoutputDirectory=*) d="${a#-DoutputDirectory=}";; esac; done\n'
        f'mkdir -p "$d" && touch "$d/druid-services-28.0.0.jar" && echo x >> {tmp_path}/calls\n'
    )
    monkeypatch.setenv("FAKEDRUID_MVN", str(_fake_mvn(tmp_path, script)))
    lib = resolve_classpath("28.0.0", root=tmp_path / "cache")
    assert lib == tmp_path / "cache" / "druid" / "28.0.0" / "lib"
    assert [p.name for p in lib.iterdir()] == ["druid-services-28.0.0.jar"]
    assert resolve_classpath("28.0.0", root=tmp_path / "cache") == lib
    assert (tmp_path / "calls").read_text() == "x\n"


def test_missing_maven_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAKEDRUID_MVN", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ToolMissing, match=r"Apache Maven \(mvn\) is not installed"):
        resolve_classpath("28.0.0", root=tmp_path / "cache")


# ---------------------------------------------------------------------- configuration


def _props(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            out[key] = value
    return out


def test_config_binds_everything_to_localhost_on_the_given_ports(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    ports = Ports(druid=18081, zookeeper=12181, derby=11527, peon=18100)
    write_config(layout, ports, Path("/jdk/bin/java"))
    common = _props(tmp_path / "conf/_common/common.runtime.properties")
    co = _props(tmp_path / "conf/coordinator-overlord/runtime.properties")
    zoo = _props(tmp_path / "conf/zk/zoo.cfg")
    assert common["druid.host"] == "127.0.0.1"
    assert common["druid.bindOnHost"] == "true"
    assert common["druid.zk.service.host"] == "127.0.0.1:12181"
    assert common["druid.metadata.storage.connector.host"] == "127.0.0.1"
    assert common["druid.metadata.storage.connector.port"] == "11527"
    assert common["druid.metadata.storage.connector.connectURI"] == (
        "jdbc:derby://127.0.0.1:11527/var/metadata.db;create=true"
    )
    assert common["druid.storage.storageDirectory"] == str(tmp_path / "var/segments")
    assert json.loads(common["druid.monitoring.monitors"]) == []
    assert co["druid.plaintextPort"] == "18081"
    assert co["druid.coordinator.asOverlord.enabled"] == "true"
    assert co["druid.indexer.runner.type"] == "local"
    assert co["druid.indexer.runner.javaCommand"] == "/jdk/bin/java"
    assert (co["druid.indexer.runner.startPort"], co["druid.indexer.runner.endPort"]) == ("18100", "18119")
    assert co["druid.manager.segments.pollDuration"] == "PT0.1S"
    assert "--add-opens=java.base/java.lang=ALL-UNNAMED" in json.loads(co["druid.indexer.runner.javaOptsArray"])
    assert (zoo["clientPortAddress"], zoo["clientPort"], zoo["admin.enableServer"]) == ("127.0.0.1", "12181", "false")
    assert (tmp_path / "conf/_common/log4j2.xml").exists()


def test_commands_run_druids_main_classes_from_the_lib(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    zk = zookeeper_command(Path("/jdk/bin/java"), Path("/lib"), layout)
    co = coordinator_command(Path("/jdk/bin/java"), Path("/lib"), layout)
    assert zk[0] == co[0] == "/jdk/bin/java"
    assert zk[-2:] == ["org.apache.zookeeper.server.quorum.QuorumPeerMain", str(tmp_path / "conf/zk/zoo.cfg")]
    assert co[-3:] == ["org.apache.druid.cli.Main", "server", "coordinator"]
    assert co[co.index("-cp") + 1].endswith(":/lib/*")
    assert "-Duser.timezone=UTC" in co


def test_historical_config_only_with_a_historical_port(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    write_config(layout, Ports(druid=18081, zookeeper=12181, derby=11527, peon=18100), Path("/jdk/bin/java"))
    assert not (tmp_path / "conf/historical").exists()
    write_config(layout, Ports(druid=18081, zookeeper=12181, derby=11527, peon=18100, historical=18083),
                 Path("/jdk/bin/java"))
    hist = _props(tmp_path / "conf/historical/runtime.properties")
    assert (hist["druid.service"], hist["druid.plaintextPort"]) == ("druid/historical", "18083")
    (location,) = json.loads(hist["druid.segmentCache.locations"])
    assert location["path"] == str(tmp_path / "var/druid/segment-cache")
    assert int(hist["druid.server.maxSize"]) == location["maxSize"]
    command = historical_command(Path("/jdk/bin/java"), Path("/lib"), layout)
    assert command[-3:] == ["org.apache.druid.cli.Main", "server", "historical"]
    assert command[command.index("-cp") + 1].startswith(f"{tmp_path / 'conf/historical'}:")


def test_seeded_rows_served_by_a_historical_get_a_copy_of_the_template(tmp_path: Path) -> None:
    template = tmp_path / "template"
    template.mkdir()
    (template / "00000.smoosh").write_bytes(b"segment")
    druid = RealDruid("28.0.0", historical=True)
    druid.template = template
    rows = segment_rows([_segment(hour=0), {**_segment(hour=1), "shardSpec": {"type": "tombstone",
                                                                             "partitionNum": 0, "partitions": 0}}],
                        used=True, segments_dir=tmp_path / "deep", now="2026-01-01T00:00:00.000Z")
    served = [json.loads(druid._servable(row).payload) for row in rows]
    copy = tmp_path / "deep/wiki/2015-09-12T00:00:00.000Z_2015-09-12T01:00:00.000Z/v1/0/index"
    assert served[0]["loadSpec"] == {"type": "local", "path": f"{copy}/"}
    assert (copy / "00000.smoosh").read_bytes() == b"segment"
    assert served[1]["loadSpec"] == {"type": "tombstone", "path": None}
    assert served[0]["identifier"] == rows[0].id


# ---------------------------------------------------------------------- seeding


def test_segment_rows_hold_id_payload_and_flags(tmp_path: Path) -> None:
    rows = segment_rows(
        [_segment(hour=0), _segment(hour=1, used=False, createdDate="2024-01-01T00:00:00.000Z")],
        used=True,
        segments_dir=tmp_path,
        now="2026-01-01T00:00:00.000Z",
    )
    assert [r.id for r in rows] == [
        "wiki_2015-09-12T00:00:00.000Z_2015-09-12T01:00:00.000Z_v1",
        "wiki_2015-09-12T01:00:00.000Z_2015-09-12T02:00:00.000Z_v1",
    ]
    assert [r.used for r in rows] == [True, False]
    assert [r.created_date for r in rows] == ["2026-01-01T00:00:00.000Z", "2024-01-01T00:00:00.000Z"]
    assert rows[0].used_status_last_updated == "2026-01-01T00:00:00.000Z"
    assert (rows[0].start, rows[0].end, rows[0].partitioned) == (
        "2015-09-12T00:00:00.000Z", "2015-09-12T01:00:00.000Z", True
    )
    payload = json.loads(rows[0].payload)
    assert payload["identifier"] == rows[0].id
    assert payload["size"] == 10
    # A kill task deletes what the loadSpec names: never a seed's path, always one under deep storage.
    path = payload["loadSpec"]["path"]
    assert payload["loadSpec"]["type"] == "local"
    assert path == str(tmp_path / "wiki/2015-09-12T00:00:00.000Z_2015-09-12T01:00:00.000Z/v1/0/index.zip")


@pytest.mark.parametrize(
    ("segments", "message"),
    [
        ([_segment(), {"dataSource": "wiki"}], r"segment \[1\]: .*interval"),
        ([_segment(), _segment()], r"segment \[1\]: a segment with id \[wiki_.*\] is seeded twice"),
        ([_segment(used="yes")], r"segment \[0\]: \[used\] must be true or false"),
    ],
)
def test_bad_seed_segments_are_refused(segments: list[dict[str, object]], message: str, tmp_path: Path) -> None:
    with pytest.raises(RealDruidError, match=message):
        segment_rows(segments, used=True, segments_dir=tmp_path, now="2026-01-01T00:00:00.000Z")


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ([], "must be a JSON object"),
        ({"segmentz": []}, r"unknown key\(s\) \[segmentz\]"),
        ({"segments": {}}, r"\[segments\] must be a JSON array"),
        ({"rules": {"rules": {"wiki": [{"type": "nonsense"}]}}}, r"rule \[0\] of \[wiki\]"),
    ],
)
def test_bad_seed_documents_are_refused(doc: object, message: str) -> None:
    with pytest.raises(RealDruidError, match=message):
        check_seed(doc)


def test_seed_file_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(RealDruidError, match=r"Seed file \[.*bad.json\] is not valid JSON"):
        load_seed_file(bad)
    with pytest.raises(RealDruidError, match="Cannot read seed file"):
        load_seed_file(tmp_path / "missing.json")
    assert len(load_seed_file(EXAMPLE)["segments"]) == 26


# ---------------------------------------------------------------------- the command


def test_cli_unknown_version_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["real-druid", "start", "--version", "29.x"]) == cli.EXIT_USAGE
    assert "Unknown Druid version [29.x]" in capsys.readouterr().err


def test_cli_bad_seed_exits_2_before_starting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "seed.json"
    bad.write_text('{"segments": [{"dataSource": "x"}]}')
    assert cli.main(["real-druid", "start", "--version", "28.0.0", "--seed", str(bad)]) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert "Seed file [" in err and "segment [0]" in err


def test_cli_port_in_use_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert cli.main(["real-druid", "start", "--version", "28.0.0", "--port", str(port)]) == cli.EXIT_START_FAILED
    assert f"Port {port} (druid) on 127.0.0.1 is in use" in capsys.readouterr().err


def test_start_with_port_in_use_starts_nothing() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        druid = RealDruid("28.0.0", zookeeper_port=busy.getsockname()[1])
        with pytest.raises(StartFailed, match=r"\(zookeeper\) on 127.0.0.1 is in use"):
            druid.start()
    assert druid.pids() == []


def test_port_with_connections_in_time_wait_is_free() -> None:
    # A Druid that just stopped leaves its server-side connections in TIME_WAIT for a minute; Jetty binds with
    # SO_REUSEADDR, so the port is free for the next start (it was reported in use).
    from fakedruid.real.cluster import _port_in_use

    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert _port_in_use(port)
        with socket.create_connection(("127.0.0.1", port)) as client:
            conn, _ = listener.accept()
            conn.close()  # the server side closes first: its end of the connection goes to TIME_WAIT
            client.recv(1)
    assert not _port_in_use(port)


def test_cli_serve_tiers_must_be_a_json_object(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--tiers", "[1]"]) == cli.EXIT_USAGE
    assert "invalid --tiers [[1]]: expected a JSON object" in capsys.readouterr().err



# ---------------------------------------------------------------------- releases with a recipe, extensions


def test_pom_of_37_pins_jackson_and_leaves_out_sql_and_msq() -> None:
    root = ET.fromstring(pom_xml("37.0.0"))
    (dep,) = root.findall(f"{POM}dependencies/{POM}dependency")
    exclusions = [(e.findtext(f"{POM}groupId"), e.findtext(f"{POM}artifactId")) for e in dep.iter(f"{POM}exclusion")]
    assert exclusions == [
        ("org.hyperic", "sigar"),
        ("org.apache.druid", "druid-sql"),
        ("org.apache.druid", "druid-multi-stage-query"),
    ]
    managed = {
        (d.findtext(f"{POM}groupId"), d.findtext(f"{POM}artifactId")): d.findtext(f"{POM}version")
        for d in root.findall(f"{POM}dependencyManagement/{POM}dependencies/{POM}dependency")
    }
    # jackson-jaxrs-smile-provider 2.20.2 (what Druid 37's pom asks for) is not on Maven Central.
    assert managed[("com.fasterxml.jackson.jaxrs", "jackson-jaxrs-smile-provider")] == "2.19.2"
    assert managed[("com.fasterxml.jackson.jaxrs", "jackson-jaxrs-base")] == "2.20.2"
    assert managed[("com.fasterxml.jackson.module", "jackson-module-jaxb-annotations")] == "2.20.2"
    assert recipe_for("37.0.0").stubs and "org.apache.druid.msq.guice.MSQIndexingModule" in recipe_for("37.0.0").stubs


def test_releases_without_a_recipe_get_no_pins() -> None:
    assert recipe_for("33.0.0") == Recipe()
    assert ET.fromstring(pom_xml("33.0.0")).find(f"{POM}dependencyManagement") is None


def test_extension_pom_depends_on_the_extension_artifact() -> None:
    root = ET.fromstring(extension_pom_xml("37.0.0", "druid-basic-security"))
    (dep,) = root.findall(f"{POM}dependencies/{POM}dependency")
    assert [dep.findtext(f"{POM}{k}") for k in ("groupId", "artifactId", "version")] == [
        "org.apache.druid.extensions", "druid-basic-security", "37.0.0"
    ]


@pytest.mark.parametrize("name", ["", "../x", "a b", "druid<x>"])
def test_bad_extension_names_are_refused_before_anything_starts(name: str) -> None:
    with pytest.raises(VersionUnavailable, match="Unknown Druid extension"):
        RealDruid("37.0.0", extensions=[name])


def test_stub_source_is_an_empty_module_of_the_given_name() -> None:
    text = stub_source("org.apache.druid.msq.guice.MSQIndexingModule")
    assert "package org.apache.druid.msq.guice;" in text
    assert "public class MSQIndexingModule implements DruidModule" in text
    assert "StubModule" not in text.split("*/")[-1].split("\n", 5)[-1]  # only the leading comment names the template
    with pytest.raises(ValueError, match="Not a fully qualified"):
        stub_source("NoPackage")


def test_resolved_extension_is_cached_apart_from_lib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = (
        'for a in "$@"; do case "$a" in -DoutputDirectory=*) d="${a#-DoutputDirectory=}";; esac; done\n'
        f'mkdir -p "$d" && touch "$d/druid-basic-security-37.0.0.jar" && echo "$@" >> {tmp_path}/calls\n'
    )
    monkeypatch.setenv("FAKEDRUID_MVN", str(_fake_mvn(tmp_path, script)))
    where = resolve_extension("37.0.0", "druid-basic-security", root=tmp_path / "cache")
    assert where == tmp_path / "cache" / "druid" / "37.0.0" / "extensions" / "druid-basic-security"
    assert [p.name for p in where.iterdir()] == ["druid-basic-security-37.0.0.jar"]
    assert resolve_extension("37.0.0", "druid-basic-security", root=tmp_path / "cache") == where
    calls = (tmp_path / "calls").read_text().splitlines()
    assert len(calls) == 1
    # -U: Maven asks again for an artifact a previous run was refused (it caches refusals otherwise).
    assert "-U" in calls[0].split()


def test_extension_that_does_not_resolve_carries_mavens_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mvn = _fake_mvn(tmp_path, 'echo "[ERROR] Could not find artifact druid-nope"\nexit 1\n')
    monkeypatch.setenv("FAKEDRUID_MVN", str(mvn))
    with pytest.raises(VersionUnavailable, match=r"(?s)extension druid-nope of Druid 37\.0\.0 does not resolve.*"
                                                 r"Could not find artifact"):
        resolve_extension("37.0.0", "druid-nope", root=tmp_path / "cache")
    assert not (tmp_path / "cache" / "druid" / "37.0.0" / "extensions" / "druid-nope").exists()


def test_extra_properties_reach_the_common_properties(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    ports = Ports(druid=18081, zookeeper=12181, derby=11527, peon=18100)
    extra = basic_security_properties("pa:ss", "internal", authenticator="auth1", authorizer="authz1")
    write_config(layout, ports, Path("/jdk/bin/java"), properties={**extra, "druid.host": "127.0.0.1", "x.y": "z"})
    common = _props(tmp_path / "conf/_common/common.runtime.properties")
    assert json.loads(common["druid.auth.authenticatorChain"]) == ["auth1"]
    assert common["druid.auth.authenticator.auth1.type"] == "basic"
    assert common["druid.auth.authenticator.auth1.initialAdminPassword"] == "pa:ss"
    assert common["druid.auth.authenticator.auth1.initialInternalClientPassword"] == "internal"
    assert common["druid.auth.authenticator.auth1.authorizerName"] == "authz1"
    assert json.loads(common["druid.auth.authorizers"]) == ["authz1"]
    assert common["druid.auth.authorizer.authz1.type"] == "basic"
    assert common["druid.escalator.internalClientUsername"] == "druid_system"
    assert common["druid.escalator.internalClientPassword"] == "internal"
    assert common["x.y"] == "z"
    assert common["druid.zk.service.host"] == "127.0.0.1:12181"  # the defaults stay


def test_extension_jars_follow_lib_on_the_classpath(tmp_path: Path) -> None:
    co = coordinator_command(Path("/jdk/bin/java"), Path("/lib"), Layout(tmp_path), extensions=[Path("/ext/a")])
    assert co[co.index("-cp") + 1].endswith(":/lib/*:/ext/a/*")


def test_harness_requests_carry_the_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[str | None] = []

    class Answer:
        status = 200

        def __enter__(self) -> Answer:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def read(self) -> bytes:
            return b"true"

    def urlopen(req: object, timeout: float) -> Answer:
        sent.append(req.get_header("Authorization"))  # type: ignore[attr-defined]
        return Answer()

    monkeypatch.setattr("urllib.request.urlopen", urlopen)
    druid = RealDruid("37.0.0", credentials=("admin", "pa:ss"))
    druid.ports = Ports(druid=1, zookeeper=2, derby=3, peon=4)
    assert druid._get_json("/status/health") is True
    assert sent == ["Basic YWRtaW46cGE6c3M="]  # base64 of admin:pa:ss


def test_cli_property_must_be_key_equals_value(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["real-druid", "start", "--version", "37.0.0", "--property", "novalue"]) == cli.EXIT_USAGE
    assert "expected KEY=VALUE, got [novalue]" in capsys.readouterr().err


def test_cli_bad_extension_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["real-druid", "start", "--version", "37.0.0", "--extension", "a b"]) == cli.EXIT_USAGE
    assert "Unknown Druid extension [a b]" in capsys.readouterr().err


def test_cli_fetch_with_basic_security_resolves_the_extension(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    script = (
        'for a in "$@"; do case "$a" in -DoutputDirectory=*) d="${a#-DoutputDirectory=}";; esac; done\n'
        'mkdir -p "$d" && touch "$d/some-33.0.0.jar"\n'
    )
    monkeypatch.setenv("FAKEDRUID_MVN", str(_fake_mvn(tmp_path, script)))
    monkeypatch.setenv("FAKEDRUID_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("JAVA_HOME", str(_fake_jdk(tmp_path, "jdk17", "17.0.9")))
    assert cli.main(["real-druid", "fetch", "--version", "33.0.0", "--basic-security"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    ext = tmp_path / "cache" / "druid" / "33.0.0" / "extensions" / "druid-basic-security"
    assert f"real druid 33.0.0 extension druid-basic-security in {ext}" in out
    assert (ext / "some-33.0.0.jar").exists()
