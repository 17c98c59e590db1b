# deps.sh — the system packages Vikalp's scripts need, installed from apt on
# a fresh Debian or Ubuntu machine. Sourced, not run.

# GO_BUILD_PACKAGES: what every build of the Go code needs. cgo compiles
# h3-go and links libjpeg-turbo's TurboJPEG (internal/turbojpeg, the photo
# pipeline's JPEG codec); a machine that only runs bin/vikalp needs the
# runtime library libturbojpeg0, which the -dev package pulls in.
GO_BUILD_PACKAGES="gcc libc6-dev libturbojpeg0-dev"

# ensure_apt_packages PKG...: install those of PKG that dpkg does not list
# as installed. As root on a Debian-like system with apt-get it runs
# `apt-get update` (once per script) and `apt-get install`; otherwise it
# prints the apt command to run and returns 1. Without dpkg it cannot
# check, says so, and returns 0: the build will name what is missing.
ensure_apt_packages() {
	if ! command -v dpkg-query >/dev/null; then
		echo "deps: cannot check for $* without dpkg; install their equivalents if the build fails" >&2
		return 0
	fi
	local missing=() p
	for p in "$@"; do
		[[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == *" installed" ]] || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ] || [ ! -f /etc/debian_version ] || ! command -v apt-get >/dev/null; then
		echo "deps: missing system packages: ${missing[*]}" >&2
		echo "  Debian/Ubuntu: sudo apt-get install -y ${missing[*]}" >&2
		return 1
	fi
	echo "== installing ${missing[*]} from apt" >&2
	if [ -z "${DEPS_APT_UPDATED:-}" ]; then
		apt-get update -qq
		DEPS_APT_UPDATED=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}
