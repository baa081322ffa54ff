"""The Prefect flow gives the CLI's output, and publishes its summary as an artifact."""
from newsclean import run_clean
from conftest import load_jsonl


def test_flow_matches_the_plain_run_and_publishes_an_artifact(prefect_harness, raw_dir, tmp_path):
    import httpx
    from prefect.settings import PREFECT_API_URL

    from flows.clean import clean_flow

    summary = clean_flow(raw_paths=[str(raw_dir)], out_dir=str(tmp_path / "flow"), batch_size=2, incremental=False)
    run_clean([raw_dir], tmp_path / "plain")
    assert summary["documents"] == 5 and summary["rejected"] == 0
    assert load_jsonl(tmp_path / "flow" / "documents.jsonl") == load_jsonl(tmp_path / "plain" / "documents.jsonl")

    # the REST API directly: prefect 3.8.8's client sends nulls its own server refuses for this filter
    # other tests' flows publish under the same key in this session's server: the newest is this one
    found = httpx.post(f"{PREFECT_API_URL.value()}/artifacts/filter",
                       json={"artifacts": {"key": {"any_": ["newsclean-run-summary"]}}, "sort": "CREATED_DESC",
                             "limit": 5}).json()
    assert found and "**5** documents cleaned" in found[0]["data"]


def test_flow_cleans_a_folder_whose_file_list_is_larger_than_prefects_parameter_limit(prefect_harness, tmp_path):
    """Prefect's server refuses flow-run parameters over 512 KB: a folder of 1,800 long-named files
    (a file list of ~600 KB) is cleaned, every file written or rejected."""
    import json

    from flows.clean import clean_flow
    from newsclean.io import discover

    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(1800):
        (raw / f"{i:05d}_{'long-file-name-' * 10}.txt").write_text(
            f"Report number {i} of the series. The council met on a Tuesday and agreed on a budget for the "
            f"coming year after a long debate about roads, schools and the new library building ({i}).\n",
            encoding="utf-8")
    assert len(json.dumps(discover([raw]))) > 524_288  # the list the subflow used to be given
    summary = clean_flow(raw_paths=[str(raw)], out_dir=str(tmp_path / "out"), batch_size=200, incremental=False)
    assert summary["documents"] + summary["rejected"] == 1800 and summary["documents"] > 0
