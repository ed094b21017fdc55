#!/usr/bin/env bash
# The wheel as a user gets it: install dist/coursebuild-*.whl into a clean virtual environment
# outside the repository (its dependencies at the versions in uv.lock, checked by hash), then
# scaffold, build and kit a new project, build the fixture course and this course with it, and
# check that this course's zips are byte-identical to a build by the repository's own .venv in
# another folder. Run by `make test` after `make wheel`.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python3}
shopt -s nullglob
wheels=("$repo"/dist/coursebuild-*.whl)
[ ${#wheels[@]} -eq 1 ] || { echo "install_check: expected one wheel in dist/, found ${#wheels[@]}" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$python" -m venv "$work/venv"
(cd "$repo" && "$repo/.uv/bin/uv" export --frozen --no-dev --no-emit-project --quiet \
    --format requirements-txt --output-file "$work/requirements.txt")
"$repo/.uv/bin/uv" pip install --quiet --python "$work/venv/bin/python" --require-hashes --only-binary :all: \
    -r "$work/requirements.txt"
# The wheel itself with plain pip, as a user would (its dependencies are already there, as locked).
PIP_CONSTRAINT= "$work/venv/bin/pip" install --quiet --disable-pip-version-check "${wheels[0]}" 2>&1 \
    | { grep -v "^WARNING: Location 'file:" || true; }

cd "$work"
export PATH="$work/venv/bin:$PATH"
installed=$(python -c 'import builder; print(builder.__file__)')
case "$installed" in "$work/venv/"*) ;; *) echo "install_check: builder imported from $installed" >&2; exit 1;; esac

coursebuild new demo
coursebuild build demo
coursebuild kit demo
cp -r "$repo/tests/fixtures/mini" fixture && rm -rf fixture/.coursebuild-cache
coursebuild build fixture

# This course, in two folders, by two installs (the wheel here, the repository's .venv there).
for copy in course-a course-b; do
    mkdir "$copy" && cp -r "$repo/course" "$repo/quizzes" "$repo/templates" "$copy/"
done
coursebuild build course-a
"$repo/.venv/bin/coursebuild" build course-b
zips=0
for zip in course-a/dist/*.zip; do
    cmp "$zip" "course-b/dist/${zip##*/}"
    zips=$((zips + 1))
done
[ "$zips" -eq 2 ] || { echo "install_check: expected 2 zips, found $zips" >&2; exit 1; }
echo "install_check: the wheel installs and builds; $zips zips byte-identical across two installs"
