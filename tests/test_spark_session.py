"""Starting Spark fails in one line that says what to fix: a bad master URL, no Java, a Spark Connect URL
without the connect client's packages. None of these start a JVM."""

from __future__ import annotations

import importlib.util

import pytest

from workbench.spark.session import ENV_MASTER, SparkError, local_conf, resolve_master, spark_session

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install -e '.[spark]')")


def test_master_comes_from_the_argument_then_the_environment_then_local(monkeypatch):
    monkeypatch.delenv(ENV_MASTER, raising=False)
    assert resolve_master() == "local[*]"
    monkeypatch.setenv(ENV_MASTER, "yarn")
    assert resolve_master() == "yarn"
    assert resolve_master("spark://edge-01.bank.local:7077") == "spark://edge-01.bank.local:7077"
    assert resolve_master("sc://connect.bank.local:15002") == "sc://connect.bank.local:15002"
    assert resolve_master("local[2]") == "local[2]"


@pytest.mark.parametrize("bad", ["localhost:7077", "local[two]", "http://spark:8080", "yarn cluster", "spark:/x"])
def test_a_bad_master_is_refused_in_one_line_in_both_languages(bad):
    with pytest.raises(SparkError) as err:
        spark_session(bad)
    assert err.value.message("en").startswith(f"Spark master '{bad}' is not a master URL")
    assert "마스터 주소" in err.value.message("ko") and "\n" not in err.value.message("ko")


def test_no_java_is_named_with_the_package_to_install(monkeypatch, tmp_path):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no java anywhere
    with pytest.raises(SparkError) as err:
        spark_session("local[1]")
    assert "openjdk-17-jre-headless" in err.value.message("en")


@pytest.mark.skipif(importlib.util.find_spec("grpc") is not None, reason="the connect client is installed here")
def test_spark_connect_without_its_client_names_what_to_install():
    with pytest.raises(SparkError) as err:
        spark_session("sc://127.0.0.1:15002")
    message = err.value.message("en")
    assert "grpcio" in message and "pip install 'pyspark[connect]==3.5.3'" in message


def test_local_masters_get_few_shuffle_partitions_and_a_cluster_keeps_its_own():
    assert local_conf("local[2]")["spark.sql.shuffle.partitions"] == "4"
    assert local_conf("local[3,2]")["spark.sql.shuffle.partitions"] == "6"
    assert local_conf("local")["spark.sql.shuffle.partitions"] == "2"
    assert local_conf("local[*]")["spark.sql.adaptive.enabled"] == "true"
    for cluster in ("yarn", "spark://h:7077", "k8s://https://k:443", "local-cluster[2,1,1024]", "sc://h:15002"):
        assert local_conf(cluster) == {}
