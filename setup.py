"""Maps the `models/`, `runtimes/` and `operator/` folders under the `jobsearch` import root
(`operator` is a standard-library name, so they are never imported bare). Everything else
lives in pyproject.toml; this file only computes the package list so new subpackages need
no edit here."""

from setuptools import find_packages, setup

MAPPED = ("models", "runtimes", "operator")

packages = find_packages(".", include=["jobsearch", "jobsearch.*"])
package_dir = {"jobsearch": "jobsearch"}
for folder in MAPPED:
    root = f"jobsearch.{folder}"
    packages.append(root)
    package_dir[root] = folder
    for sub in find_packages(folder):
        packages.append(f"{root}.{sub}")
        package_dir[f"{root}.{sub}"] = f"{folder}/{sub.replace('.', '/')}"

setup(packages=packages, package_dir=package_dir)
