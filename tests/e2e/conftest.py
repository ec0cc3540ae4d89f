"""Browser tests: a real server on a throwaway database, Debian's Chromium driven by Playwright,
and axe-core from npm run on every page with GOV.UK Frontend's settings.

Without Chromium (or axe-core, or the built front end) these tests are skipped with a loud
banner; with EARLYHELP_REQUIRE_BROWSER=1 (CI) they fail instead. See docs/testing.md."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from earlyhelp.accounts.seed import DEMO_DOMAIN, DEMO_PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright

E2E_DIR = Path(__file__).resolve().parent
ROOT = E2E_DIR.parents[1]
CHROMIUM = Path(os.environ.get("EARLYHELP_CHROMIUM") or "/usr/bin/chromium")
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BUILT_ASSETS = ROOT / "earlyhelp" / "core" / "static" / "build" / "application.css"
# The machines' network is closed: without these Chromium keeps trying (and failing) to reach
# Google's services, which slows it and fills the log.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

TEST_PASSWORD = "e2e-password-not-for-real-use"

# GOV.UK Frontend's axe settings (shared/helpers/puppeteer.js in alphagov/govuk-frontend): axe's
# WCAG A/AA rules and best practices, with `region` off because GOV.UK pages put the skip link
# and phase banner outside landmarks on purpose (alphagov/govuk-frontend#1604). Their helper's
# `.options({rules})` replaces the rule list it set first, so what GOV.UK actually runs is
# axe's default set; naming the tags gives that set plus the WCAG 2.2 AA rules axe leaves off
# by default (target-size). axe 4.14 has no rule tagged `wcag22a` yet; it accepts the tag.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
AXE_OPTIONS: dict[str, Any] = {
    "runOnly": {"type": "tag", "values": AXE_TAGS},
    "rules": {"region": {"enabled": False}},
    "resultTypes": ["violations"],
}

SKIP_PREFIX = "browser tests cannot run: "


def require_browser() -> bool:
    return os.environ.get("EARLYHELP_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes"}


def missing_prerequisites() -> list[str]:
    problems = []
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        problems.append(
            f"Chromium is not installed at {CHROMIUM} (Debian: `sudo apt-get install chromium`;"
            " or set EARLYHELP_CHROMIUM to another Chromium executable)"
        )
    if not AXE_SCRIPT.is_file():
        problems.append(f"axe-core is missing ({AXE_SCRIPT}): run `npm ci`")
    if not BUILT_ASSETS.is_file():
        problems.append(f"the front end is not built ({BUILT_ASSETS}): run `make assets`")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("the Python playwright package is not installed: run `make setup`")
    return problems


def is_browser_test(item: pytest.Item) -> bool:
    return E2E_DIR in Path(item.path).parents


# --- Collection, skipping loudly, failing in CI ------------------------------------------------

PROBLEMS = pytest.StashKey[list[str]]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    browser_items = [item for item in items if is_browser_test(item)]
    if not browser_items:
        return
    problems = missing_prerequisites()
    config.stash[PROBLEMS] = problems
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
        if problems and not require_browser():
            item.add_marker(pytest.mark.skip(reason=SKIP_PREFIX + "; ".join(problems)))


SKIPPED_COUNT = pytest.StashKey[int]()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    config.stash[SKIPPED_COUNT] = sum(
        SKIP_PREFIX in str(getattr(report, "longrepr", ""))
        for outcome in ("skipped", "error")
        for report in terminalreporter.stats.get(outcome, [])
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    """The banner comes last, after pytest's own summary, so nobody misses it."""
    problems = config.stash.get(PROBLEMS, [])
    skipped = config.stash.get(SKIPPED_COUNT, 0)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if not problems or reporter is None or not skipped:
        return  # nothing to say, or no browser test was selected (`-m "not browser"`)
    title = (
        f"{skipped} BROWSER TESTS FAILED: they could not run"
        if require_browser()
        else f"{skipped} BROWSER TESTS SKIPPED: accessibility and sign-in were NOT checked"
    )
    reporter.write_line("")
    reporter.write_sep("!", title, red=True, bold=True)
    for problem in problems:
        reporter.write_line(f"  - {problem}", red=True, bold=True)
    if not require_browser():
        reporter.write_line(
            "  CI sets EARLYHELP_REQUIRE_BROWSER=1, which makes this a failure. See docs/testing.md.",
            red=True,
        )
    reporter.write_sep("!", red=True, bold=True)


@pytest.fixture(scope="session", autouse=True)
def _browser_prerequisites() -> None:
    """Only reached when the prerequisites are missing and EARLYHELP_REQUIRE_BROWSER is set
    (otherwise the tests were skipped at collection): every browser test then fails."""
    problems = missing_prerequisites()
    if problems:
        pytest.fail(SKIP_PREFIX + "; ".join(problems), pytrace=False)


# --- The app under test: a throwaway database and a real server ---------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    name: str
    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def assert_running(self) -> None:
        """Explain the failure when the server has gone (crashed, or killed from outside)."""
        code = self.process.poll()
        if code is not None:
            pytest.fail(
                f"The e2e {self.name} ({self.base_url}) has stopped, exit code {code}. "
                f"Its log ({self.log_path}) ends:\n{self.log_tail()}",
                pytrace=False,
            )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@dataclass
class AppDatabase:
    """The e2e database (SQLite file or a fresh PostgreSQL database) and the environment that
    points manage.py at it with the development settings, as `make demo` would run them."""

    env: dict[str, str]
    directory: Path
    description: str
    servers: list[Server] = field(default_factory=list)

    def manage(self, *args: str, timeout: float = 180) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)[:80]} failed ({result.returncode}):\n"
                f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
            )
        return result.stdout

    def shell(self, code: str) -> str:
        """Run Python inside the app (against the e2e database) and return what it printed."""
        return self.manage("shell", "-v", "0", "-c", code)

    def start_server(self, name: str, **extra_env: str) -> Server:
        port = _free_port()
        log_path = self.directory / f"{name}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "runserver",
                    f"127.0.0.1:{port}",
                    "--noreload",
                    "--skip-checks",  # `make test` runs the checks; this server starts faster
                ],
                cwd=ROOT,
                env={**self.env, **extra_env},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        server = Server(name, f"http://127.0.0.1:{port}", process, log_path)
        self.servers.append(server)
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"The {name} server exited:\n{server.log_tail()}")
            try:
                with urllib.request.urlopen(f"{server.base_url}/health/", timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        return server
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(
                    f"The {name} server did not answer /health/:\n{server.log_tail()}"
                )
            time.sleep(0.2)


def _server_env(directory: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("EARLYHELP_", "PYTEST_", "DJANGO_"))
        and key not in {"DATABASE_URL", "DEBUG"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        EARLYHELP_DEMO_TWO_FACTOR_CODE="",  # off: sign in with real TOTP codes
        DEBUG="0",  # real error pages, no debug toolbar-ish leniency
        WHITENOISE_USE_FINDERS="1",  # static files without collectstatic
        ALLOWED_HOSTS="127.0.0.1,localhost",
        EARLYHELP_VAR_DIR=str(directory),
        EARLYHELP_SIGN_IN_MAX_FAILURES="5",
        EARLYHELP_SIGN_IN_LOCKOUT_MINUTES="60",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def _with_database_name(url: str, name: str) -> str:
    return urlsplit(url)._replace(path=f"/{name}").geturl()


@pytest.fixture(scope="session")
def app_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppDatabase]:
    directory = tmp_path_factory.mktemp("e2e")
    env = _server_env(directory)
    url = os.environ.get("DATABASE_URL", "")
    drop: Callable[[], None] | None = None
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg
        from psycopg import sql

        name = f"earlyhelp_e2e_{secrets.token_hex(4)}"
        admin_url = _with_database_name(url, "postgres")
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

        def drop() -> None:
            # Dropped, never flushed: AccessEvent rows cannot be deleted, by design.
            with psycopg.connect(admin_url, autocommit=True) as connection:
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )

        env["DATABASE_URL"] = _with_database_name(url, name)
        description = f"PostgreSQL database {name}"
    else:
        description = f"SQLite database {directory / 'earlyhelp.sqlite3'}"
    database = AppDatabase(env=env, directory=directory, description=description)
    try:
        database.manage("migrate", "--noinput", "-v", "0")
        database.manage("seed", "--scale", "demo", "-v", "0")
        yield database
    finally:
        for server in database.servers:
            server.stop()
        if drop is not None:
            drop()


@pytest.fixture(scope="session")
def server(app_database: AppDatabase) -> Iterator[Server]:
    server = app_database.start_server("server")
    yield server
    server.stop()


# --- Two-factor codes ------------------------------------------------------------------------


class Authenticator:
    """Stands in for each user's authenticator app. django-otp accepts each code once per
    30-second step per device, so a second sign-in in the same step waits for the next one."""

    def __init__(self, keys: dict[str, bytes]) -> None:
        self.keys = keys
        self._last_step: dict[str, int] = {}

    def add_base32(self, email: str, secret: str) -> None:
        secret = "".join(secret.split()).upper()
        self.keys[email] = base64.b32decode(secret + "=" * (-len(secret) % 8))

    def code(self, email: str) -> str:
        from django_otp.oath import totp

        step = int(time.time() // 30)
        if self._last_step.get(email, -1) >= step:
            time.sleep(30 - time.time() % 30 + 0.5)
            step = int(time.time() // 30)
        self._last_step[email] = step
        return f"{totp(self.keys[email], step=30, digits=6):06d}"


@pytest.fixture(scope="session")
def authenticator(app_database: AppDatabase) -> Authenticator:
    printed = app_database.shell(
        "import json\n"
        "from django_otp.plugins.otp_totp.models import TOTPDevice\n"
        "devices = TOTPDevice.objects.filter(confirmed=True).select_related('user')\n"
        "print(json.dumps({d.user.email: d.key for d in devices}))\n"
    )
    keys = json.loads(printed.strip().splitlines()[-1])
    return Authenticator({email: bytes.fromhex(key) for email, key in keys.items()})


# --- Chromium ----------------------------------------------------------------------------------


class Chromium:
    """Started when a browser test needs it, stopped after the last of a run of browser tests:
    Playwright's sync API leaves an asyncio loop marked as running, and Django's ORM refuses
    to work in a thread with a running loop, which would break any database test after it."""

    def __init__(self) -> None:
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    @property
    def running(self) -> bool:
        return self._browser is not None

    def browser(self) -> Browser:
        if self._browser is None:
            from playwright.sync_api import sync_playwright

            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
        return self._browser

    def stop(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._browser = None
        if self._playwright is not None:
            self._playwright.stop()
            self._playwright = None


CHROMIUM_PROCESS = Chromium()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    # Before the fixtures are torn down: after the last test, pytest-django drops its test
    # database then, which Django refuses to do while Playwright's loop is marked running.
    if is_browser_test(item) and (nextitem is None or not is_browser_test(nextitem)):
        CHROMIUM_PROCESS.stop()
    yield


def pytest_sessionfinish(session: pytest.Session) -> None:
    CHROMIUM_PROCESS.stop()


# --- What the tests use ----------------------------------------------------------------------


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def password_for(email: str) -> str:
    return DEMO_PASSWORD if email.endswith(f"@{DEMO_DOMAIN}") else TEST_PASSWORD


def describe_violations(violations: list[dict[str, Any]], where: str) -> str:
    lines = [f"axe: {len(violations)} accessibility violation(s) on {where}"]
    for violation in violations:
        lines.append(
            f"  - {violation['id']} ({violation.get('impact')}): {violation['help']}"
            f"  [{violation.get('helpUrl', '')}]"
        )
        for node in violation["nodes"]:
            target = " ".join(
                " >> ".join(part) if isinstance(part, list) else str(part)
                for part in node["target"]
            )
            lines.append(f"      at {target}")
            lines.append(f"         {node.get('html', '')[:200]}")
            for summary_line in (node.get("failureSummary") or "").splitlines():
                lines.append(f"         {summary_line.strip()}")
    return "\n".join(lines)


@dataclass
class PageState:
    status: int | None = None
    errors: list[str] = field(default_factory=list)


class E2E:
    """One test's view of the app: make (signed-in) pages, sign in, check pages with axe.

    `check(page)` records problems and carries on so that one run reports every page's
    violations; `assert_no_problems()` (called at the end of each test) fails with them all."""

    def __init__(
        self,
        server: Server,
        database: AppDatabase,
        authenticator: Authenticator,
        signed_in_states: dict[tuple[str, str], Any],
    ) -> None:
        self.server = server
        self.database = database
        self.authenticator = authenticator
        self._signed_in_states = signed_in_states
        self._contexts: list[BrowserContext] = []
        self._page_states: dict[int, PageState] = {}
        self.problems: list[str] = []
        self.visited: set[str] = set()
        self.checked_pages = 0

    # Pages and contexts

    def url(self, path: str) -> str:
        return self.server.base_url + path

    def new_context(
        self, *, javascript: bool = True, storage_state: Any = None, server: Server | None = None
    ) -> BrowserContext:
        context = CHROMIUM_PROCESS.browser().new_context(
            base_url=(server or self.server).base_url,
            java_script_enabled=javascript,
            storage_state=storage_state,
            locale="en-GB",
            timezone_id="Europe/London",
        )
        context.set_default_timeout(10_000)
        if javascript:
            # An init script is added through the DevTools protocol, so axe is there on every
            # page without weakening the app's own Content Security Policy.
            context.add_init_script(path=str(AXE_SCRIPT))
        self._contexts.append(context)
        return context

    def new_page(
        self,
        as_user: str | None = None,
        *,
        javascript: bool = True,
        server: Server | None = None,
    ) -> Page:
        """A page for an anonymous visitor, or for the demo user `as_user` (an email local
        part like "practitioner" or a full email address), already signed in."""
        state = None
        if as_user is not None:
            state = self.signed_in_state(as_user, server=server)
        context = self.new_context(javascript=javascript, storage_state=state, server=server)
        return self.watch(context.new_page())

    def watch(self, page: Page) -> Page:
        """Follow the page's navigation status and JavaScript errors (including CSP refusals)."""
        state = self._page_states.setdefault(id(page), PageState())

        def on_response(response: Any) -> None:
            if response.request.is_navigation_request() and response.frame == page.main_frame:
                state.status = response.status

        def on_console(message: ConsoleMessage) -> None:
            if message.type != "error":
                return
            location = message.location.get("url", "")
            # Chrome reports the page's own 4xx status as a console error: not a page problem.
            if message.text.startswith("Failed to load resource") and location == page.url:
                return
            state.errors.append(
                f"console error: {message.text}" + (f" ({location})" if location else "")
            )

        page.on("response", on_response)
        page.on("console", on_console)
        page.on("pageerror", lambda error: state.errors.append(f"JavaScript error: {error}"))
        return page

    def signed_in_state(self, as_user: str, *, server: Server | None = None) -> Any:
        email = as_user if "@" in as_user else demo_email(as_user)
        key = ((server or self.server).base_url, email)
        if key not in self._signed_in_states:
            context = self.new_context(server=server)
            page = self.watch(context.new_page())
            self.sign_in(page, email)
            self._signed_in_states[key] = context.storage_state()
            context.close()
            self._contexts.remove(context)
        return self._signed_in_states[key]

    def sign_in(self, page: Page, email: str) -> None:
        """Sign in with the password and a real TOTP code, from wherever `page` is."""
        from playwright.sync_api import expect

        if "/sign-in/" not in page.url:
            page.goto("/sign-in/")
        self.submit_password(page, email, password_for(email))
        expect(page).to_have_url(re.compile(r"/sign-in/two-factor/$"))
        page.get_by_label("Security code").fill(self.authenticator.code(email))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        assert "/sign-in/" not in page.url, f"{email} was not signed in: {page.url}"

    @staticmethod
    def submit_password(page: Page, email: str, password: str) -> None:
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()

    def create_user(self, name: str, *, role: str = "practitioner", two_factor: bool = True) -> str:
        """A new council user with the test password (and an authenticator app, unless
        `two_factor` is False), for a test that changes its user's state. Returns the email."""
        email = f"{name}.{secrets.token_hex(3)}@e2e.example"
        full_name = name.replace(".", " ").title()
        printed = self.database.shell(
            "import json\n"
            "from django_otp.plugins.otp_totp.models import TOTPDevice\n"
            "from earlyhelp.accounts import services\n"
            "from earlyhelp.accounts.models import Organisation\n"
            "council = Organisation.objects.get(kind='council')\n"
            f"user = services.create_user(actor=None, email={email!r}, full_name={full_name!r},"
            f" password={TEST_PASSWORD!r}, reason='Browser test')\n"
            f"services.add_membership(actor=None, user=user, organisation=council, role={role!r})\n"
            "key = ''\n"
            f"if {two_factor!r}:\n"
            "    key = TOTPDevice.objects.create(user=user, name='App', confirmed=True).key\n"
            "print(json.dumps({'id': user.pk, 'key': key}))\n"
        )
        created = json.loads(printed.strip().splitlines()[-1])
        if created["key"]:
            self.authenticator.keys[email] = bytes.fromhex(created["key"])
        return email

    def close(self) -> None:
        if CHROMIUM_PROCESS.running:  # otherwise the contexts went with the browser
            for context in self._contexts:
                context.close()
        self._contexts.clear()

    # Checking pages

    def status(self, page: Page) -> int | None:
        return self._page_states.setdefault(id(page), PageState()).status

    def check(self, page: Page, note: str = "") -> None:
        """Run axe on the page as it is now and note any violation or JavaScript error."""
        page.wait_for_load_state()
        path = urlsplit(page.url).path
        where = f"{path}{f' ({note})' if note else ''}"
        state = self._page_states.setdefault(id(page), PageState())
        if state.status is not None and state.status < 400:
            with contextlib.suppress(Resolver404):
                self.visited.add(resolve(path).view_name)
        if state.status is not None and state.status >= 500:
            # Nothing further in the test can work; stop now with everything found so far.
            self.problems.append(f"HTTP {state.status} (server error) on {where}")
            self.assert_no_problems()
        violations = page.evaluate(
            "async (options) => (await window.axe.run(document, options)).violations",
            AXE_OPTIONS,
        )
        if violations:
            self.problems.append(describe_violations(violations, where))
        if state.errors:
            self.problems.append(
                f"browser errors on {where}:\n" + "\n".join(f"  - {e}" for e in state.errors)
            )
            state.errors.clear()
        self.checked_pages += 1

    def assert_no_problems(self) -> None:
        problems, self.problems = self.problems, []
        assert not problems, "\n\n".join(problems)


@pytest.fixture(scope="session")
def _signed_in_states() -> dict[tuple[str, str], Any]:
    return {}


@pytest.fixture
def e2e(
    server: Server,
    app_database: AppDatabase,
    authenticator: Authenticator,
    _signed_in_states: dict[tuple[str, str], Any],
) -> Iterator[E2E]:
    server.assert_running()
    helper = E2E(server, app_database, authenticator, _signed_in_states)
    yield helper
    helper.close()
    server.assert_running()
    # A test that checked pages but did not call assert_no_problems() still fails here.
    helper.assert_no_problems()


def error_summary(page: Page) -> Any:
    from playwright.sync_api import expect

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    return summary


def open_council(page: Page) -> None:
    """As an administrator, open the council's page in organisation management."""
    from playwright.sync_api import expect

    page.goto("/manage/organisations/")
    page.get_by_role("main").get_by_role("link", name="Kingsbridge Borough Council").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kingsbridge Borough Council")
