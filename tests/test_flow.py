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
