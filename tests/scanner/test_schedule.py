"""The shared crawl frontier: same site, depth, page limit, robots.txt, no downloads;
several phases walking it at once; the load limits."""

from __future__ import annotations

import asyncio
from urllib.robotparser import RobotFileParser

from samtycke.scanner.crawler import parse_robots
from samtycke.scanner.schedule import Limiter, SharedFrontier


async def _walk(
    f: SharedFrontier, consumer: int, links: dict[str, list[str]]
) -> list[tuple[str, int]]:
    out = []
    while (page := await f.take(consumer)) is not None:
        out.append((page.url, page.depth))
        await f.links(consumer, page, links.get(page.url, []), page.url)
    return out


def drain(f: SharedFrontier, links: dict[str, list[str]]) -> list[tuple[str, int]]:
    return asyncio.run(_walk(f, 0, links))


LINKS = {
    "https://ex.com/": [
        "/a",
        "b",
        "https://www.ex.com/c#top",
        "https://other.com/x",
        "/a#again",
        "mailto:x@ex.com",
        "/doc.pdf",
        "https://shop.ex.com/",
        "/private/1",
    ],
    "https://ex.com/a": ["/a/deeper"],
    "https://ex.com/a/deeper": ["/a/deepest"],
    "https://ex.com/a/deepest": ["/a/too-deep"],
}


def test_breadth_first_within_depth() -> None:
    robots = parse_robots("User-agent: *\nDisallow: /private\n", "https://ex.com/robots.txt")
    f = SharedFrontier("https://ex.com/", 20, 3, robots, consumers=1)
    assert drain(f, LINKS) == [
        ("https://ex.com/", 0),
        ("https://ex.com/a", 1),
        ("https://ex.com/b", 1),
        ("https://www.ex.com/c", 1),
        ("https://shop.ex.com/", 1),
        ("https://ex.com/a/deeper", 2),
        ("https://ex.com/a/deepest", 3),
    ]
    assert f.skipped == ["https://ex.com/private/1"]


def test_page_limit_and_no_robots() -> None:
    f = SharedFrontier("https://ex.com/", 2, 3, None, consumers=1)
    assert [u for u, _ in drain(f, LINKS)] == ["https://ex.com/", "https://ex.com/a"]
    g = SharedFrontier("https://ex.com/", 20, 1, None, consumers=1)
    assert "https://ex.com/private/1" in [u for u, _ in drain(g, LINKS)]


def test_phases_share_one_crawl_and_end_together() -> None:
    async def run() -> tuple[list[str], list[str]]:
        f = SharedFrontier("https://ex.com/", 20, 3, None, consumers=2)
        # The second phase alone sees a link (say, one shown after consent);
        # the first, done with its own pages, still gets it before it ends.
        first = asyncio.ensure_future(_walk(f, 0, {}))
        await asyncio.sleep(0.05)
        assert not first.done()  # the other phase has not handed in its links yet
        second = await _walk(f, 1, {"https://ex.com/": ["/after"]})
        return [u for u, _ in await first], [u for u, _ in second]

    first, second = asyncio.run(run())
    assert first == second == ["https://ex.com/", "https://ex.com/after"]


def test_a_retired_phase_does_not_hold_the_crawl_open() -> None:
    async def run() -> list[str]:
        f = SharedFrontier("https://ex.com/", 20, 3, None, consumers=2)
        await f.retire(1)
        return [u for u, _ in await _walk(f, 0, {})]

    assert asyncio.run(run()) == ["https://ex.com/"]


def test_limiter_bounds_pages_and_navigations_per_host() -> None:
    async def run() -> tuple[int, int]:
        limiter = Limiter(pages=3, per_host=2)
        open_pages = most_pages = loading = most_loading = 0

        async def visit(i: int) -> None:
            nonlocal open_pages, most_pages, loading, most_loading
            async with limiter.page():
                open_pages += 1
                most_pages = max(most_pages, open_pages)
                async with limiter.navigation("https://ex.com/p"):
                    loading += 1
                    most_loading = max(most_loading, loading)
                    await asyncio.sleep(0)
                    loading -= 1
                await asyncio.sleep(0)
                open_pages -= 1

        await asyncio.gather(*(visit(i) for i in range(10)))
        return most_pages, most_loading

    assert asyncio.run(run()) == (3, 2)


def test_robots_rules_that_arrive_while_the_first_page_loads() -> None:
    async def run() -> tuple[list[str], list[str]]:
        robots: asyncio.Future[RobotFileParser | None] = asyncio.get_running_loop().create_future()
        f = SharedFrontier("https://ex.com/", 20, 3, robots, consumers=1)
        page = await f.take(0)
        assert page is not None and page.url == "https://ex.com/"  # no rules needed yet
        handing = asyncio.ensure_future(f.links(0, page, ["/a", "/private/1"], page.url))
        await asyncio.sleep(0.05)
        assert not handing.done()  # links wait for the rules
        robots.set_result(parse_robots("User-agent: *\nDisallow: /private\n", "https://ex.com/"))
        await handing
        rest = [u for u, _ in await _walk(f, 0, {})]
        return rest, f.skipped

    assert asyncio.run(run()) == (["https://ex.com/a"], ["https://ex.com/private/1"])


def test_work_that_can_wait_waits_for_urgent_work_two_at_a_time() -> None:
    async def run() -> tuple[list[str], int]:
        limiter = Limiter(pages=4, per_host=2)
        log: list[str] = []
        running = most = 0

        async def spare(i: int) -> None:
            nonlocal running, most
            async with limiter.spare():
                running += 1
                most = max(most, running)
                log.append(f"spare {i}")
                await asyncio.sleep(0.01)
                running -= 1

        first, second = limiter.urgent(), limiter.urgent()
        waiting = asyncio.gather(*(spare(i) for i in range(5)))
        await asyncio.sleep(0.05)
        log.append("first done")
        first()
        first()  # a second call does not count as the other's end
        await asyncio.sleep(0.05)
        log.append("second done")
        second()
        await waiting
        return log[:2], most

    assert asyncio.run(run()) == (["first done", "second done"], 2)


def test_work_ahead_of_need_goes_after_work_a_page_waits_for() -> None:
    async def run() -> list[str]:
        limiter = Limiter(pages=4, per_host=2)
        log: list[str] = []

        async def spare(name: str, ahead: bool) -> None:
            async with limiter.spare(ahead=ahead):
                log.append(name)
                await asyncio.sleep(0.01)

        done = limiter.urgent()
        # Asked for first, the work ahead of need still waits for the other.
        work = [spare(f"ahead {i}", True) for i in range(3)]
        work += [spare(f"needed {i}", False) for i in range(3)]
        waiting = asyncio.gather(*work)
        await asyncio.sleep(0.02)
        done()
        await waiting
        return log

    assert asyncio.run(run()) == [
        "needed 0",
        "needed 1",
        "needed 2",
        "ahead 0",
        "ahead 1",
        "ahead 2",
    ]
