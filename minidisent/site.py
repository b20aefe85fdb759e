"""The course as a static website that works offline, built from the stored notebooks.

    python -m minidisent.site OUT_DIR [--student]

writes OUT_DIR/index.html (the README), one page per chapter (chapters/NN_name.ipynb ->
NN_name.html) with their stored outputs (nothing is executed), the README's figures, and
_static/: the lab stylesheet, the site's layout and MathJax 3 (vendored in site_assets/,
Apache-2.0, its LICENSE beside it). Every page has the table of contents and previous/next
links; no page loads anything from the network. `--student` builds the student edition
from the student copies (student_copies.student_copy: no solution, no exercise output).

Links: a relative link to a chapter (`chapters/02_x.ipynb` from the README, `02_x.ipynb`
from a chapter) becomes a link to its page; a relative image is copied into the site; any
other relative link, and any src= that is not relative or a data: URI, is refused with a
ValueError naming the page, before anything is written. Refused too: an OUT_DIR that is
the chapters folder or inside it, or that contains the sources (the repository root or a
folder above it). Every file is written to a temporary file beside it, then moved into
place with os.replace.
"""
import argparse
import html
import os
import re
import sys
import tempfile
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from . import student_copies

ROOT = Path(__file__).resolve().parent.parent
ASSETS = Path(__file__).resolve().parent / "site_assets"
MATHJAX = ASSETS / "mathjax"
COURSE = "minidisent"
_LINK = re.compile(r'\b(href|src)="([^"]*)"')
_IMAGE = (".png", ".jpg", ".jpeg", ".gif", ".svg")


def _title(nb, fallback):
    """The text of the first '# ' heading of the notebook, or fallback."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found = re.search(r"^#\s+(.+)$", cell.source, re.MULTILINE)
            if found:
                return re.sub(r"[`*]", "", found.group(1)).strip()  # plain text, $math$ kept
    return fallback


def sources(root=ROOT, student=False):
    """The pages, in reading order: a list of (file name, title, source folder, notebook);
    the README is one markdown cell (in memory only), each chapter its notebook or its
    student copy."""
    root = Path(root).resolve()
    readme, chapters = root / "README.md", sorted((root / "chapters").glob("*.ipynb"))
    if not readme.is_file() or not chapters:
        raise ValueError(f"root: expected a repository with README.md and chapters/*.ipynb, "
                         f"got {root}")
    text = nbformat.v4.new_markdown_cell(readme.read_text("utf-8"))
    home = nbformat.v4.new_notebook(cells=[text])
    pages = [("index.html", "Home", root, home)]
    for path in chapters:
        nb = nbformat.read(path, as_version=4)
        nb = student_copies.student_copy(nb, path.name) if student else nb
        pages.append((path.stem + ".html", _title(nb, path.stem), path.parent, nb))
    return pages


def _lab_css(exporter):
    """The lab template's stylesheet (index.css + the light theme) as one string."""
    parts = []
    for name in ("index.css", "theme-light.css"):
        found = [Path(folder) / "static" / name for folder in exporter.template_paths
                 if (Path(folder) / "static" / name).is_file()]
        if not found:
            raise ValueError(f"nbconvert: expected the lab template's static/{name}, found none in "
                             f"{exporter.template_paths}")
        parts.append(found[0].read_text("utf-8"))
    return "\n".join(parts)


def _rewrite(page_html, page, folder, root, chapters, copies, own):
    """page_html with its relative links to chapters made links to their pages; the relative
    images it uses are added to copies (site path -> source path); `own` holds the site's
    own files (pages, _static/...), which the template links as they are."""
    def replace(match):
        attribute, target = match.groups()
        bare = html.unescape(target)
        outward = attribute == "href" and bare.startswith(("http://", "https://", "mailto:"))
        if bare.partition("#")[0] in own or bare.startswith(("data:", "#")) or outward:
            return match.group(0)
        if re.match(r"^[a-z][a-z0-9+.-]*:", bare, re.IGNORECASE) or bare.startswith("//"):
            raise ValueError(f"{page}: expected no {attribute} from the network offline, "
                             f"got {bare!r}")
        path, _, anchor = bare.partition("#")
        source = (folder / path).resolve()
        if source.suffix == ".ipynb" and source in chapters:
            return f'{attribute}="{source.stem}.html{"#" + anchor if anchor else ""}"'
        if source.suffix.lower() in _IMAGE and source.is_file() and root in source.parents:
            site_path = source.relative_to(root).as_posix()
            copies[site_path] = source
            return f'{attribute}="{html.escape(site_path)}"'
        raise ValueError(f"{page}: the link {bare!r} resolves to no chapter and no image of {root}")
    return _LINK.sub(replace, page_html)


def render(root=ROOT, student=False):
    """Every file of the site, in memory: a dict site path -> bytes (nothing written)."""
    root = Path(root).resolve()
    pages = sources(root, student)
    chapters = {folder / (name[:-len(".html")] + ".ipynb") for name, _, folder, _ in pages[1:]}
    exporter = HTMLExporter(template_name="lab", extra_template_paths=[str(ASSETS)],
                            template_file="page.html.j2", exclude_input_prompt=True,
                            exclude_output_prompt=True)
    listing = [dict(file=name, title=title) for name, title, _, _ in pages]
    edition = "Student edition (no solutions)" if student else "Course with solutions"
    files, copies = {}, {}
    own = {page["file"] for page in listing} | {"_static/lab.css", "_static/site.css",
                                                 "_static/mathjax/tex-mml-chtml.js"}
    for i, (name, title, folder, nb) in enumerate(pages):
        site = dict(pages=listing, file=name, course=COURSE, edition=edition,
                    previous=listing[i - 1] if i > 0 else None,
                    next=listing[i + 1] if i + 1 < len(listing) else None)
        meta = dict(name=f"{title} · {COURSE}")
        body, _ = exporter.from_notebook_node(nb, resources=dict(site=site, metadata=meta))
        files[name] = _rewrite(body, name, folder, root, chapters, copies, own).encode("utf-8")
    for site_path, source in copies.items():
        files[site_path] = source.read_bytes()
    files["_static/lab.css"] = _lab_css(exporter).encode("utf-8")
    files["_static/site.css"] = (ASSETS / "site.css").read_bytes()
    for source in sorted(MATHJAX.rglob("*")):
        if source.is_file():
            files["_static/mathjax/" + source.relative_to(MATHJAX).as_posix()] = source.read_bytes()
    return files


def _check_out_dir(out_dir, root):
    out, root = Path(out_dir).resolve(), Path(root).resolve()
    chapters = root / "chapters"
    if out == chapters or chapters in out.parents:
        raise ValueError(f"out_dir: expected a folder outside the chapters ({chapters}), "
                         f"got {out_dir}")
    if out == root or out in root.parents:
        raise ValueError(f"out_dir: expected a folder that does not contain the sources ({root}), "
                         f"got {out_dir}")
    return out


def _write(path, content):
    """content (bytes) to path: a temporary file in its folder, then os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        os.fchmod(handle, 0o644)  # a page any web server may read (mkstemp makes it 0600)
        with os.fdopen(handle, "wb") as partial_file:
            partial_file.write(content)
        os.replace(partial, path)
    except BaseException:
        os.unlink(partial)
        raise


def build(out_dir, student=False, root=ROOT):
    """Build the site of the repository at root into out_dir; returns the paths written."""
    out = _check_out_dir(out_dir, root)
    files = render(root, student)  # every page rendered and every link checked first
    written = []
    for site_path, content in sorted(files.items()):
        _write(out / site_path, content)
        written.append(out / site_path)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m minidisent.site",
        description="Build the course's offline website from the stored notebooks.")
    parser.add_argument("out_dir",
                        help="folder for the site (not the chapters folder, not the repository)")
    parser.add_argument("--student", action="store_true",
                        help="the student edition: built from the student copies (no solutions)")
    args = parser.parse_args(argv)
    try:
        written = build(args.out_dir, student=args.student)
    except ValueError as error:
        sys.exit(f"error: {error}")
    size = sum(path.stat().st_size for path in written)
    print(f"wrote {len(written)} files ({size / 1e6:.1f} MB) to {Path(args.out_dir).resolve()}; "
          f"open {Path(args.out_dir).resolve() / 'index.html'}")


if __name__ == "__main__":
    main()
