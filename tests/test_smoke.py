from conftest import check, lines


def test_minimal_site_is_valid_with_warnings(make_site):
    site = make_site()
    result = check(site)
    assert result.exit_code == 0, result.stderr
    assert lines(result) == [
        f"{site}/content/actions/data-dashboard.yml:4:1: warning: "
        "no update recorded since 12 September 2023",
        f"{site}/content/letters/herts-2023.md:12:1: warning: "
        "area for priority action 2 (P2) is not tracked by any record: "
        "“Leaders should strengthen partnership governance.”",
        f"{site}/content/letters/herts-2023.md:16:1: warning: "
        "area for improvement 1 (I1) is not tracked by any record: "
        "“Leaders should improve the quality of EHC plans.”",
    ]
