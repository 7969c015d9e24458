#!/usr/bin/env python3
"""The explorer (`samlab serve`) in a real browser: Debian's chromium, headless, driven by selenium.

Not part of `swift test` (it needs chromium); `make test-browser` runs it and `.ci/run` runs that. It installs
Debian's chromium, chromium-driver, python3-selenium and python3-pil when they are missing, starts `samlab serve
--port 0` (the samlab and samlab-serve in SAMLAB_BIN, default: the debug build), and checks what the page draws:

- the l-inf-SAM limit shown flips from e_1 to e_2 when alpha_1 crosses rho (mu = (2, 1), rescaled flow, THEORY.md
  Cor 3.5), set once with the alpha_1 slider and once by clicking the phase plane on either side of alpha_1 = rho;
- the leader sequence shown for mu = (4, 5, 6, 7, 8), rho = 1, alpha = 0.5 (l2-SAM) is 2 -> 3 -> 4 -> 5;
- a share link reproduces the view; "copy as CLI command" gives lines that samlab accepts and whose summaries are
  /api/run's, byte for byte;
- a slider move redraws within 200 ms for d = 2 to 6 (median and 90th percentile of REDRAW_MOVES moves; the numbers
  are printed);
- every screenshot is not blank.

  python3 Tests/Browser/explorer_test.py [-v]          # the tests
  python3 Tests/Browser/explorer_test.py --screenshot docs/explorer.png   # the README's screenshot
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

# Debian's python3-selenium and python3-pil live in its dist-packages: reachable from another python3 of the same minor
# version (a pyenv one, say) too.
if "/usr/lib/python3/dist-packages" not in sys.path:
    sys.path.append("/usr/lib/python3/dist-packages")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
APT_PACKAGES = ["chromium", "chromium-driver", "python3-selenium", "python3-pil"]
REDRAW_MOVES = 20
# The bound on slider move -> redraw (issue 16: 200 ms), judged only when SAMLAB_REDRAW_BOUND_MS is set (make
# test-browser sets it for the release server); otherwise the times are measured and printed only.
REDRAW_BOUND_MS = float(os.environ["SAMLAB_REDRAW_BOUND_MS"]) if os.environ.get("SAMLAB_REDRAW_BOUND_MS") else None


def ensure_packages():
    """Installs the Debian packages the tests need when one is missing (apt-get, as root or with sudo)."""
    missing = not (shutil.which("chromium") and shutil.which("chromedriver"))
    for module in ["selenium", "PIL"]:
        try:
            __import__(module)
        except ImportError:
            missing = True
    if not missing:
        return
    if not shutil.which("apt-get"):
        sys.exit("explorer_test: needs chromium, chromedriver, selenium and PIL (Debian: apt-get install " + " ".join(APT_PACKAGES) + ")")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    print("explorer_test: installing " + " ".join(APT_PACKAGES) + " (apt-get)", flush=True)
    subprocess.run(sudo + ["apt-get", "update", "-q"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(sudo + ["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "-q", "--no-install-recommends"] + APT_PACKAGES,
                   check=True, env=env, stdout=subprocess.DEVNULL)


def binaries():
    """The directory of samlab and samlab-serve: SAMLAB_BIN, else the debug build's."""
    if os.environ.get("SAMLAB_BIN"):
        return os.environ["SAMLAB_BIN"]
    return subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()


class Server:
    """`samlab serve --port 0`, started and stopped (SIGTERM) around the tests."""

    def __init__(self, bin_dir):
        self.samlab = os.path.join(bin_dir, "samlab")
        self.process = subprocess.Popen([self.samlab, "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        deadline = time.time() + 30
        self.url = None
        while time.time() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            if line.startswith("SAMLab explorer: "):
                self.url = line.split()[2]
                break
        if not self.url:
            self.process.kill()
            raise RuntimeError("samlab serve printed no URL")
        if not self.url.startswith("http://127.0.0.1:"):
            raise RuntimeError("samlab serve is not on loopback: " + self.url)

    def post(self, path, body):
        request = urllib.request.Request(self.url.rstrip("/") + path, data=json.dumps(body).encode(), method="POST")
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.read()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1100",
                 "--hide-scrollbars", "--force-device-scale-factor=1"]:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)


def png_is_not_blank(path):
    """(distinct colours, share of non-white pixels) of a PNG: a blank or one-colour page has 1 colour or no ink."""
    from PIL import Image
    image = Image.open(path).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20) or []
    pixels = image.width * image.height
    white = sum(count for count, rgb in colours if min(rgb) >= 250)
    return len(colours), 1 - white / pixels


class Page:
    """The explorer in the browser: load a view, move its controls as a user would, wait for the redraw, read it."""

    def __init__(self, driver, url):
        self.driver, self.url = driver, url

    def load(self, fragment=""):
        self.driver.get("about:blank")
        self.driver.get(self.url + ("#" + fragment if fragment else ""))
        self.wait(lambda s: s["redraws"] >= 1 and not s["busy"])

    def samlab(self):
        return self.driver.execute_script("return {redraws: window.samlab.redraws, busy: window.samlab.busy, errors: window.samlab.errors ?? 0, "
                                          "lastRedrawMs: window.samlab.lastRedrawMs, limits: window.samlab.limits, leaders: window.samlab.leaders};")

    def wait(self, done, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            s = self.samlab()
            if done(s):
                return s
            if s["errors"]:
                raise AssertionError("the page says: " + self.driver.find_element("id", "message").text)
            time.sleep(0.01)
        raise AssertionError("no redraw within %d s (message: %r)" % (timeout, self.driver.find_element("id", "message").text))

    def after(self, action):
        """Runs `action` (a user's move) and waits for the redraw it causes; returns window.samlab then."""
        before = self.samlab()["redraws"]
        action()
        return self.wait(lambda s: s["redraws"] > before and not s["busy"])

    def set_slider(self, element_id, value):
        """Moves a range input as a user's drag does: a new value, then an input event."""
        return self.after(lambda: self.driver.execute_script(
            "const e = document.getElementById(arguments[0]); e.value = arguments[1];"
            "e.dispatchEvent(new Event('input', {bubbles: true}));", element_id, str(value)))

    def cell(self, rule, column):
        return self.driver.find_element("css selector", 'tr[data-rule="%s"] td.%s' % (rule, column)).text

    def click_plane(self, x, y):
        """A real click at (x, y) in the phase plane's SVG coordinates (ActionChains offsets from the centre)."""
        from selenium.webdriver.common.action_chains import ActionChains
        plane = self.driver.find_element("id", "plane")
        size = plane.size
        return self.after(lambda: ActionChains(self.driver).move_to_element_with_offset(
            plane, int(round(x - size["width"] / 2)), int(round(y - size["height"] / 2))).click().perform())

    def screenshot(self, path):
        self.driver.save_screenshot(path)
        return path


class ExplorerBrowserTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bin = binaries()
        cls.server = Server(cls.bin)
        cls.driver = browser()
        cls.page = Page(cls.driver, cls.server.url)
        cls.shots = os.environ.get("SCREENSHOTS") or tempfile.mkdtemp(prefix="samlab-browser-")
        os.makedirs(cls.shots, exist_ok=True)

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.server.stop()

    def assertNotBlank(self, name):
        path = self.page.screenshot(os.path.join(self.shots, name + ".png"))
        colours, ink = png_is_not_blank(path)
        self.assertGreater(colours, 50, "%s: %d colours" % (path, colours))
        self.assertGreater(ink, 0.03, "%s: %.1f%% non-white" % (path, 100 * ink))

    # MARK: - What is drawn

    def test_linf_limit_flips_when_alpha1_crosses_rho_slider(self):
        p = self.page
        p.load("mu=2,1&rules=linf-sam,l2-sam&dynamics=rescaled&extent=20&rho=1&depth=2&alpha=1.2,1.5")
        s = p.set_slider("alpha1", 1.3)
        self.assertEqual(s["limits"]["linf-sam"], "e1")
        self.assertEqual(p.cell("linf-sam", "limit"), "e1")
        self.assertEqual(p.cell("linf-sam", "predicted"), "e1")
        self.assertNotBlank("limit-e1")
        s = p.set_slider("alpha1", 0.8)
        self.assertEqual(s["limits"]["linf-sam"], "e2")
        self.assertEqual(p.cell("linf-sam", "limit"), "e2")
        self.assertEqual(p.cell("linf-sam", "predicted"), "e2")
        self.assertIn("alpha=0.8%2C1.5", self.driver.current_url)
        self.assertNotBlank("limit-e2")

    def test_linf_limit_flips_when_the_click_crosses_the_alpha1_line(self):
        p = self.page
        # A short rescaled flow (s = 3) keeps the axes within a few decades, so a click lands within a few % of its target.
        p.load("mu=2,1&rules=linf-sam&dynamics=rescaled&extent=3&rho=1&depth=2&alpha=0.8,1.5")
        self.assertEqual(self.page.cell("linf-sam", "limit"), "e2")
        for alpha1, limit in [(1.4, "e1"), (0.7, "e2"), (1.3, "e1")]:
            # Where beta = (alpha_1^2, 1.5^2) is drawn, from the page's axes (planeBox), then a real click there.
            x, y = self.driver.execute_script("return [planeBox.px(arguments[0]), planeBox.py(arguments[1])];", alpha1 ** 2, 1.5 ** 2)
            s = p.click_plane(x, y)
            alpha = self.driver.execute_script("return state.alpha.slice();")
            self.assertAlmostEqual(alpha[0], alpha1, delta=0.1 * alpha1, msg="the click set alpha = %s" % alpha)
            self.assertAlmostEqual(alpha[1], 1.5, delta=0.15, msg="the click set alpha = %s" % alpha)
            self.assertEqual(alpha[0] > 1, alpha1 > 1)
            self.assertEqual(s["limits"]["linf-sam"], limit, "click at alpha_1 = %s (alpha = %s)" % (alpha1, alpha))
            self.assertEqual(self.page.cell("linf-sam", "predicted"), limit)
            self.assertTrue(self.driver.find_element("css selector", "#plane circle.init").is_displayed())
        self.assertNotBlank("click")

    def test_leader_sequence_of_mu_4_to_8(self):
        p = self.page
        p.load("mu=4,5,6,7,8&rules=l2-sam&dynamics=discrete&rho=1&lr=0.1&extent=400&depth=2&alpha=0.6,0.6,0.6,0.6,0.6")
        s = p.set_slider("alpha1", 0.5)  # alpha_1 to 0.5 by the slider; the others from the link
        for j in range(2, 6):
            s = p.set_slider("alpha%d" % j, 0.5)
        self.assertEqual(s["leaders"]["l2-sam"], "2 → 3 → 4 → 5")
        self.assertEqual(p.cell("l2-sam", "leaders"), "2 → 3 → 4 → 5")
        # The regime line names the regime `samlab regime` gives for alpha = 0.5.
        report = json.loads(self.server.post("/api/regime", {"mu": [4, 5, 6, 7, 8], "rho": 1, "alpha": 0.5}))
        self.assertTrue(self.driver.find_element("id", "regime-label").text.endswith(": " + report["regime"]), report["regime"])
        # The same in the rescaled flow (THEORY.md: the sequence of leaders of the regime), chosen in the selector.
        from selenium.webdriver.support.ui import Select
        p.after(lambda: Select(self.driver.find_element("id", "dynamics")).select_by_value("rescaled"))
        self.assertEqual(p.cell("l2-sam", "leaders"), "2 → 3 → 4 → 5")
        self.assertNotBlank("leaders")

    # MARK: - Share link and CLI command

    def test_share_link_reproduces_the_view(self):
        p = self.page
        p.load("mu=1,2&rules=gd,linf-sam,l2-sam&dynamics=discrete&lr=0.1&extent=400")
        p.set_slider("rho", 0.7)
        p.set_slider("alpha2", 1.4)
        link = self.driver.find_element("id", "share").get_attribute("href")
        view = self.view()
        self.driver.get("about:blank")
        self.driver.get(link)
        p.wait(lambda s: s["redraws"] >= 1 and not s["busy"])
        self.assertEqual(self.view(), view)
        self.assertEqual(self.driver.find_element("id", "rho").get_attribute("value"), "0.7")

    def view(self):
        return self.driver.execute_script(
            "return {paths: [...document.querySelectorAll('#plane path, #series path')].map(e => e.getAttribute('d')),"
            " table: document.getElementById('limits').innerText, command: document.getElementById('command').textContent,"
            " regime: document.getElementById('regime-label')?.textContent};")

    def test_copy_as_cli_command_gives_lines_samlab_accepts_with_the_same_summary(self):
        p = self.page
        for fragment in ["mu=1,2&rules=gd,linf-sam,l2-sam&dynamics=discrete&rho=0.6&lr=0.05&extent=300&alpha=0.4,0.9",
                         "mu=4,5,6&rules=l2-sam&dynamics=rescaled&rho=1&extent=10&alpha=0.5,0.5,0.5&depth=3"]:
            p.load(fragment)
            self.driver.execute_cdp_cmd("Browser.grantPermissions", {"origin": self.server.url.rstrip("/"),
                                                                     "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
            self.driver.find_element("id", "copy").click()
            copied = self.driver.execute_async_script(
                "const done = arguments[0]; navigator.clipboard.readText().then(done, (e) => done('ERROR ' + e));")
            self.assertFalse(copied.startswith("ERROR"), copied)
            self.assertEqual(copied, self.driver.find_element("id", "command").text)
            rules = self.driver.execute_script("return state.rules.slice();")
            lines = copied.strip().split("\n")
            self.assertEqual(len(lines), len(rules))
            for rule, line in zip(rules, lines):
                words = line.split()
                self.assertEqual(words[0], "samlab")
                cli = subprocess.run([self.server.samlab] + words[1:] + ["--json"], capture_output=True)
                self.assertEqual(cli.returncode, 0, cli.stderr.decode())
                spec = self.driver.execute_script("return spec(arguments[0]);", rule)
                served = self.server.post("/api/run?part=summary", spec)
                self.assertEqual(cli.stdout, served, "%s: the CLI's summary is not /api/run's" % line)

    # MARK: - The registry's rules and their parameters (issue 16, part 2)

    def registry(self):
        with urllib.request.urlopen(self.server.url.rstrip("/") + "/api/registry", timeout=30) as answer:
            return json.loads(answer.read())

    def paths(self):
        return self.driver.execute_script(
            "return Object.fromEntries([...document.querySelectorAll('#plane path.trajectory')].map(e => [e.dataset.rule, e.getAttribute('d')]));")

    def set_input(self, element_id, value):
        """Types a value into a text field or picks it in a menu, then the change event a user's edit fires."""
        return self.page.after(lambda: self.driver.execute_script(
            "const e = document.getElementById(arguments[0]); e.value = arguments[1];"
            "e.dispatchEvent(new Event('change', {bubbles: true}));", element_id, str(value)))

    def test_every_rule_of_the_registry_is_offered_and_lp_sam_at_p_inf_is_linf_sam(self):
        p = self.page
        p.load("mu=2,1&rules=linf-sam,l2-sam,lp-sam&p=inf&dynamics=rescaled&extent=20&rho=1&depth=2&alpha=0.8,1.5")
        offered = self.driver.execute_script("return [...document.getElementById('rules').options].map(o => [o.value, o.text]);")
        self.assertEqual(offered, [[r["name"], r["display_name"]] for r in self.registry()["rules"]])
        self.assertTrue({"asam", "lp-sam", "msam", "gsam"} <= {name for name, _ in offered})
        # p = inf: the l-inf rule, bit for bit (the same drawn path), and the same limit, which Cor 3.5 predicts.
        paths = self.paths()
        self.assertEqual(paths["lp-sam"], paths["linf-sam"])
        self.assertEqual(p.cell("lp-sam", "limit"), "e2")
        self.assertEqual(p.cell("lp-sam", "limit"), p.cell("linf-sam", "limit"))
        self.assertEqual(p.cell("lp-sam", "predicted"), "e2")
        self.assertIn("--p inf", self.driver.find_element("id", "command").text)
        # p = 2: l2-SAM's path instead.
        self.set_input("param-p", "2")
        paths = self.paths()
        self.assertEqual(paths["lp-sam"], paths["l2-sam"])
        self.assertNotEqual(paths["lp-sam"], paths["linf-sam"])
        self.assertIn("p=2", self.driver.current_url)
        self.assertNotBlank("lp-sam")

    def test_every_rule_parameter_goes_into_the_spec_the_link_and_the_command(self):
        p = self.page
        names = [r["name"] for r in self.registry()["rules"]]
        p.load("mu=1,2&rules=%s&dynamics=discrete&lr=0.05&extent=100&rho=0.3&alpha=0.5,0.5" % ",".join(names))
        self.assertEqual(sorted(p.samlab()["limits"].keys()), sorted(names))
        for key, value, flag in [("asam_eta", "0.05", "--asam-eta 0.05"), ("gsam_alpha", "0.3", "--gsam-alpha 0.3"),
                                 ("m", "1", "--m 1"), ("msam_norm", "none", "--msam-norm none"), ("p", "3", "--p 3")]:
            self.set_input("param-" + key, value)
            self.assertIn(key + "=" + value, self.driver.current_url)
            self.assertIn(flag, self.driver.find_element("id", "command").text)
            owner = next(r["name"] for r in self.registry()["rules"] if any(q["key"] == key for q in r["parameters"]))
            spec = self.driver.execute_script("return spec(arguments[0]);", owner)
            self.assertEqual(str(spec[key]), value)
        # The link reproduces the parameters.
        link = self.driver.find_element("id", "share").get_attribute("href")
        self.driver.get("about:blank")
        self.driver.get(link)
        p.wait(lambda s: s["redraws"] >= 1 and not s["busy"])
        self.assertEqual(self.driver.find_element("id", "param-asam_eta").get_attribute("value"), "0.05")
        self.assertEqual(self.driver.execute_script("return spec('msam');")["msam_norm"], "none")

    def test_a_refused_rule_shows_the_servers_message_and_the_others_are_drawn(self):
        p = self.page
        p.load("mu=2,1&rules=linf-sam,lp-sam&p=1&dynamics=flow&extent=10&rho=0.5&alpha=0.8,1.5")
        s = p.samlab()
        refusals = self.driver.execute_script("return window.samlab.refusals;")
        expected = json.loads(self.post_error({**self.driver.execute_script("return spec('lp-sam');")}))["error"]
        self.assertEqual(refusals, {"lp-sam": expected})
        self.assertIn("discontinuous", expected)
        self.assertIn(expected, self.driver.find_element("id", "message").text)
        self.assertEqual(p.cell("lp-sam", "status"), "refused")
        self.assertIn("linf-sam", s["limits"])
        self.assertIn("linf-sam", self.paths())
        # Discrete, the same rule runs.
        from selenium.webdriver.support.ui import Select
        p.after(lambda: Select(self.driver.find_element("id", "dynamics")).select_by_value("discrete"))
        self.assertEqual(self.driver.execute_script("return window.samlab.refusals;"), {})
        self.assertIn("lp-sam", p.samlab()["limits"])

    def post_error(self, spec):
        """The body of /api/run's refusal of `spec` (an HTTP error)."""
        import urllib.error
        try:
            self.server.post("/api/run", spec)
        except urllib.error.HTTPError as e:
            return e.read()
        self.fail("the server ran %s" % spec)

    # MARK: - The loss (issue 16, part 2)

    def test_the_squared_loss_shows_mse_and_its_rescaled_flow_is_refused_with_the_reason(self):
        p = self.page
        p.load("mu=1,2&rules=gd,l2-sam&loss=squared&dynamics=discrete&lr=0.1&extent=400&rho=0.2&alpha=0.5,0.5")
        losses = self.driver.execute_script("return [...document.getElementById('loss').options].map(o => o.value);")
        self.assertEqual(losses, [l["name"] for l in self.registry()["losses"]])
        for rule in ["gd", "l2-sam"]:
            fit = p.cell(rule, "fit")
            self.assertTrue(fit.startswith("mse "), fit)
            summary = json.loads(self.server.post("/api/run?part=summary", self.driver.execute_script("return spec(arguments[0]);", rule)))
            self.assertIsNone(summary["margin"])
            self.assertAlmostEqual(float(fit.split()[1]), summary["mse"], delta=0.006 * abs(summary["mse"]) + 1e-12)
            self.assertEqual(p.cell(rule, "predicted"), "")
        self.assertIn("--loss squared", self.driver.find_element("id", "command").text)
        self.assertIn("margin losses", self.driver.find_element("id", "regime-label").text)
        # With the logistic loss the same column is the margin.
        self.set_input("loss", "logistic")
        self.assertTrue(p.cell("gd", "fit").startswith("margin "))
        self.set_input("loss", "squared")
        from selenium.webdriver.support.ui import Select
        p.after(lambda: Select(self.driver.find_element("id", "dynamics")).select_by_value("rescaled"))
        refusals = self.driver.execute_script("return window.samlab.refusals;")
        self.assertEqual(sorted(refusals), ["gd", "l2-sam"])
        shown = self.driver.find_element("id", "message").text
        self.assertIn("rescaled", shown)
        self.assertIn("squared loss has no scalar l'", shown)
        self.assertNotBlank("squared")

    # MARK: - The plane in weights (issue 16, part 3)

    def first_point(self, rule):
        """The first point of a rule's drawn trajectory, in the plane's coordinates (from the page's axes)."""
        return self.driver.execute_script(
            "const d = document.querySelector('#plane path.trajectory[data-rule=\"' + arguments[0] + '\"]').getAttribute('d');"
            "const [x, y] = d.slice(1).split(/[L]/)[0].split(',').map(Number);"
            "return [planeBox.fromPx(x), planeBox.fromPy(y)];", rule)

    def test_the_weights_plane_starts_at_the_clicked_point(self):
        p = self.page
        for param in ["product", "signed"]:
            p.load("mu=2,1&rules=gd,linf-sam&param=%s&plane=weights&dynamics=discrete&lr=0.1&extent=200&rho=0.5&depth=3&alpha=0.8,1.2" % param)
            self.assertIn("weights", self.driver.find_element("id", "plane-caption").text)
            for target in [(1.3, 0.6), (0.7, 1.1)]:
                x, y = self.driver.execute_script("return [planeBox.px(arguments[0]), planeBox.py(arguments[1])];", *target)
                p.click_plane(x, y)
                alpha = self.driver.execute_script("return state.alpha.slice();")
                for a, t in zip(alpha, target):
                    self.assertAlmostEqual(a, t, delta=0.03 * t, msg="%s: the click at %s set alpha = %s" % (param, target, alpha))
                for rule in ["gd", "linf-sam"]:
                    first = self.first_point(rule)
                    for f, a in zip(first, alpha):
                        self.assertAlmostEqual(f, a, delta=0.01 * a, msg="%s %s: the path starts at %s, alpha = %s" % (param, rule, first, alpha))
                # The server's weights: every layer at alpha at the start, and the path's end is its last row.
                weights = json.loads(self.server.post("/api/run", self.driver.execute_script("return spec('gd');")))["weights"]
                self.assertEqual(weights[0][:2], alpha)
                self.assertEqual(weights[0][2:4], alpha)
            self.assertNotBlank("weights-" + param)
        # The beta plane of the product parametrization starts at alpha^L.
        p.load("mu=2,1&rules=gd&plane=beta&dynamics=discrete&lr=0.1&extent=200&rho=0.5&depth=3&alpha=0.8,1.2")
        for f, a in zip(self.first_point("gd"), [0.8 ** 3, 1.2 ** 3]):
            self.assertAlmostEqual(f, a, delta=0.01 * a)

    # MARK: - Axes (issue 16, part 4)

    def labels(self, selector):
        return self.driver.execute_script(
            "return [...document.querySelectorAll(arguments[0])].map(e => { const b = e.getBBox(); return [e.textContent, b.x, b.x + b.width]; });", selector)

    def test_tick_labels_do_not_crowd_are_not_clipped_and_are_distinct(self):
        p = self.page
        for fragment in ["mu=2,1&rules=linf-sam,l2-sam&dynamics=rescaled&extent=20&rho=1&depth=2&alpha=1.2,1.5",   # a blow-up
                         "mu=2,1&rules=gd&dynamics=discrete&lr=0.1&extent=10&rho=1&depth=2&alpha=0.9,1.0",        # beta barely moves
                         "mu=1,2&rules=gd,l2-sam&loss=squared&plane=weights&dynamics=discrete&lr=0.1&extent=400&alpha=0.5,0.5"]:
            p.load(fragment)
            for plot in ["plane", "series"]:
                xs = sorted(self.labels("#%s .tick-x" % plot), key=lambda t: t[1])
                ys = self.labels("#%s .tick-y" % plot)
                self.assertGreaterEqual(len(ys), 2, "%s %s: %s" % (fragment, plot, ys))
                for (a, _, a1), (b, b0, _) in zip(xs, xs[1:]):
                    self.assertLess(a1 + 2, b0, "%s %s: x labels %r and %r overlap" % (fragment, plot, a, b))
                for label, x0, _ in ys:
                    self.assertGreaterEqual(x0, 0, "%s %s: y label %r clipped at x = %.1f" % (fragment, plot, label, x0))
                texts = [t[0] for t in ys]
                self.assertEqual(len(texts), len(set(texts)), "%s %s: repeated y labels %s" % (fragment, plot, texts))

    # MARK: - Live: slider move to redraw

    def test_slider_move_redraws_within_200_ms_for_d_2_to_6(self):
        p = self.page
        report = []
        for d in range(2, 7):
            mu = ",".join(str(j + 1) for j in range(d))
            p.load("mu=%s&rules=gd,linf-sam,l2-sam&dynamics=discrete&rho=1&lr=0.1&extent=400&alpha=%s" % (mu, ",".join(["0.5"] * d)))
            times = []
            for k in range(REDRAW_MOVES):
                s = p.set_slider("rho", "%.2f" % (0.5 + 0.05 * k))
                times.append(s["lastRedrawMs"])
            report.append((d, statistics.median(times), statistics.quantiles(times, n=10)[-1], max(times)))
        lines = ["d = %d: median %.0f ms, 90th percentile %.0f ms, max %.0f ms over %d moves (3 rules, 400 steps)" % (d, med, p90, top, REDRAW_MOVES)
                 for d, med, p90, top in report]
        print("\nslider move -> redraw done, in the browser:\n  " + "\n  ".join(lines), file=sys.stderr)
        for d, med, p90, top in report:  # nine moves in ten within the bound (the machine is shared and noisy)
            if REDRAW_BOUND_MS is None:
                continue
            self.assertLess(med, REDRAW_BOUND_MS, lines[d - 2])
            self.assertLess(p90, REDRAW_BOUND_MS, lines[d - 2])
        self.assertNotBlank("d6")


def screenshot(path):
    """The README's screenshot: the page for mu = (2, 1), alpha_1 just below rho, three rules, 1400 px wide."""
    bin_dir = binaries()
    server = Server(bin_dir)
    driver = browser()
    try:
        page = Page(driver, server.url)
        driver.set_window_size(1400, 1500)
        page.load("mu=2,1&rules=gd,linf-sam,l2-sam&dynamics=discrete&rho=1&lr=0.1&extent=2000&depth=2&alpha=0.9,1.3")
        raw = path + ".full.png"
        page.screenshot(raw)
        from PIL import Image
        image = Image.open(raw).convert("RGB")
        # Crop to the content and halve the size: a small PNG for the README.
        box = Image.eval(image, lambda v: 255 - v).getbbox()
        image = image.crop((0, 0, min(image.width, box[2] + 16), min(image.height, box[3] + 16)))
        image = image.resize((image.width * 2 // 3, image.height * 2 // 3), Image.LANCZOS)
        image = image.quantize(colors=128, method=Image.MEDIANCUT)
        image.save(path, optimize=True)
        os.remove(raw)
        colours, ink = png_is_not_blank(path)
        print("explorer_test: %s (%dx%d, %d colours, %.0f%% non-white, %d bytes)" % (path, image.width, image.height, colours, 100 * ink, os.path.getsize(path)))
    finally:
        driver.quit()
        server.stop()


if __name__ == "__main__":
    ensure_packages()
    if len(sys.argv) == 3 and sys.argv[1] == "--screenshot":
        screenshot(sys.argv[2])
    else:
        unittest.main()
