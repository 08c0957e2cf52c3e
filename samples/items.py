"""Single synthetic items of the source formats, for fixtures and campaigns that build their own
digests (the generator writes whole days)."""

from __future__ import annotations


def hf_item(
    pid: str | None,
    title: str,
    day: str,
    upvotes: int = 5,
    summary: str = "An abstract.",
    keywords: list[str] | None = None,
    github_stars: int | None = None,
    github_repo: str | None = None,
) -> dict[str, object]:
    paper: dict[str, object] = {
        "authors": [{"_id": "a", "name": "Ada Lovelace", "hidden": False}],
        "publishedAt": f"{day}T00:00:00.000Z",
        "submittedOnDailyAt": f"{day}T00:00:00.000Z",
        "title": title,
        "summary": summary,
        "upvotes": upvotes,
    }
    if pid:
        paper["id"] = pid
    if keywords is not None:
        paper["ai_keywords"] = keywords
    if github_repo is not None:
        paper["githubRepo"] = github_repo
    if github_stars is not None:
        paper["githubStars"] = github_stars
    return {"paper": paper, "publishedAt": f"{day}T00:00:00.000Z", "title": title, "numComments": 1}
