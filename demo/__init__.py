"""The demo council: a fictional ward (架空区) served through a local DiscussNet SSP look-alike.

    from oshigiin.demo import DemoCouncil, DiscussNetServer
    with DiscussNetServer(DemoCouncil(speeches=5000)) as server:
        print(server.url)  # crawl it like ssp.kaigiroku.net
"""

from .generator import DemoCouncil

__all__ = ["DemoCouncil", "DiscussNetServer"]


def __getattr__(name: str):
    # Imported lazily so that `python -m oshigiin.demo.server` does not import demo.server twice.
    if name == "DiscussNetServer":
        from .server import DiscussNetServer

        return DiscussNetServer
    raise AttributeError(name)
