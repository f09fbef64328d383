#!/bin/sh
# SPDX-License-Identifier: MIT
# shell_test: BusyBox's shell and applets on Kiln. Prints PASS/FAIL lines
# like the C tests (SKIP only where the host forbids something; with
# KILN_HOST=1) and exits 0 only if nothing failed.
#   guest: /tests/shell_test.sh
#   host:  build/busybox/busybox sh userland/tests/shell_test.sh
#          (PATH = a folder of BusyBox applet links; tools/run-host-usertests.sh)
T=shell_test
FAILED=0
NPASS=0
NFAIL=0

pass() { echo "PASS $T: $1"; NPASS=$((NPASS + 1)); }
fail() { echo "FAIL $T: $1: $2"; FAILED=1; NFAIL=$((NFAIL + 1)); }
skip() { echo "SKIP $T: $1: $2"; }
# eq NAME GOT WANT
eq() {
    if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi
}
# ok NAME COMMAND...: the command succeeds
ok() {
    name=$1
    shift
    if "$@" > /dev/null 2>&1; then pass "$name"; else fail "$name" "'$*' failed"; fi
}
on_host() { [ "${KILN_HOST:-0}" = 1 ]; }

DIR=$(mktemp -d /tmp/shell_test.XXXXXX) || { fail "setup" "mktemp -d failed"; exit 1; }
cd "$DIR" || { fail "setup" "cd $DIR failed"; exit 1; }
trap 'cd /; rm -rf "$DIR"' EXIT

# --- the shell itself ---------------------------------------------------------
eq "pipeline" "$(echo hello | tr a-z A-Z)" "HELLO"
eq "three-stage pipeline" "$(printf 'b\na\nc\n' | sort | head -n 1)" "a"
eq "pipeline exit status is the last command's" "$(false | true; echo $?)" "0"
eq "command substitution nests" "$(echo $(echo in$(echo ner)))" "inner"
eq "backquote substitution" "`echo tick`" "tick"
echo one > f
echo two >> f
eq "redirect > and >>" "$(cat < f)" "one
two"
ls /no/such/path 2> err.txt
[ -s err.txt ] && pass "redirect 2>" || fail "redirect 2>" "err.txt is empty"
eq "redirect 2>&1" "$(ls /no/such/path 2>&1 > /dev/null | wc -l | tr -d ' ')" "1"
exec 3> fd3.txt
echo via-fd3 >&3
exec 3>&-
eq "exec 3> and >&3" "$(cat fd3.txt)" "via-fd3"
eq "here-document" "$(cat << EOF
line $((1 + 1))
EOF
)" "line 2"
X=outer
(X=inner; cd /)
eq "a subshell does not change the parent" "$X $(pwd)" "outer $DIR"
eq "subshell output" "$(cd / && pwd)" "/"
eq "arithmetic" "$((7 * 6)) $((2 ** 10)) $((17 % 5))" "42 1024 2"
V=kiln.tar.gz
eq "parameter expansion" "${#V} ${V%%.*} ${V#*.} ${V%.gz}" "11 kiln tar.gz kiln.tar"
s=""
for i in 1 2 3; do s="$s$i"; done
eq "for loop" "$s" "123"
n=0
while [ $n -lt 5 ]; do n=$((n + 1)); done
eq "while loop" "$n" "5"
f() { echo "f:$1:$#"; return 3; }
eq "function with arguments" "$(f a b)" "f:a:2"
f x > /dev/null
eq "function return status" "$?" "3"
case kiln in k*n) r=match ;; *) r=nomatch ;; esac
eq "case with a pattern" "$r" "match"
eq "environment to a child" "$(FOO=bar sh -c 'echo $FOO')" "bar"
eq "sh -c exit status" "$(sh -c 'exit 7'; echo $?)" "7"
eq "set -e stops a subshell" "$( (set -e; false; echo no) ; echo $?)" "1"
eq "trap EXIT in a subshell" "$( (trap 'echo bye' EXIT; echo hi) )" "hi
bye"
read -r a b << EOF
first second
EOF
eq "read" "$a+$b" "first+second"
cat > script.sh << 'EOF'
#!/bin/sh
echo "script $1"
exit 4
EOF
chmod +x script.sh
eq "run a #! script" "$(./script.sh arg)" "script arg"
./script.sh > /dev/null
eq "a script's exit status" "$?" "4"

# --- background jobs ------------------------------------------------------------
sleep 0.2 &
p=$!
wait $p
eq "background job and wait" "$?" "0"
(exit 3) &
wait $!
eq "wait returns a background job's status" "$?" "3"
(sleep 0.1; echo a > bg1) &
(sleep 0.1; echo b > bg2) &
wait
eq "two background jobs, wait for all" "$(cat bg1 bg2)" "a
b"
sleep 10 &
p=$!
kill $p
wait $p 2> /dev/null
eq "kill a background job (status 128+SIGTERM)" "$?" "143"
sleep 10 &
p=$!
kill -9 $p
wait $p 2> /dev/null
eq "kill -9 a background job" "$?" "137"
ok "kill -0 on the shell itself" kill -0 $$
kill -0 999999 2> /dev/null
[ $? -ne 0 ] && pass "kill -0 of a missing pid fails" || fail "kill -0 of a missing pid fails" "it succeeded"
eq "yes | head stops yes (SIGPIPE)" "$(yes | head -n 3 | tr -d '\n')" "yyy"

# --- files ------------------------------------------------------------------------
mkdir -p tree/a/b/c
ok "mkdir -p" test -d tree/a/b/c
echo alpha > tree/one.txt
echo beta > tree/a/two.txt
echo gamma > tree/a/b/three.dat
ln -s one.txt tree/link
chmod 0640 tree/a/two.txt
eq "cat of two files" "$(cat tree/one.txt tree/a/two.txt)" "alpha
beta"
cp -a tree copy
eq "cp -a keeps modes" "$(stat -c %a copy/a/two.txt)" "640"
eq "cp -a keeps symlinks" "$(readlink copy/link)" "one.txt"
eq "cp -a copies contents" "$(cat copy/a/b/three.dat)" "gamma"
ok "cp -a result matches (diff -r)" diff -r tree copy
cp tree/one.txt single
eq "cp" "$(cat single)" "alpha"
mv single moved
[ ! -e single ] && [ "$(cat moved)" = alpha ] && pass "mv" || fail "mv" "moved file wrong"
mv moved copy/a/
ok "mv into a directory" test -f copy/a/moved
rm -r copy
[ ! -e copy ] && pass "rm -r" || fail "rm -r" "copy still exists"
rm -f no-such-file
eq "rm -f of a missing file succeeds" "$?" "0"
eq "find -name" "$(find tree -name '*.txt' | sort | tr '\n' ' ')" "tree/a/two.txt tree/one.txt "
eq "find -type d" "$(find tree -type d | sort | tr '\n' ' ')" "tree tree/a tree/a/b tree/a/b/c "
eq "find -type l" "$(find tree -type l)" "tree/link"
ln -s /no/where dangling
eq "ls -l shows a symlink" "$(ls -l dangling | sed 's/.* dangling/dangling/')" "dangling -> /no/where"
ls -l / > ls.txt
grep -q ' tmp$' ls.txt && pass "ls -l / lists tmp" || fail "ls -l / lists tmp" "$(head -n 3 ls.txt)"
eq "ls -ld shows a directory" "$(ls -ld /tmp | cut -c1)" "d"
eq "ls of a directory" "$(ls tree | tr '\n' ' ')" "a link one.txt "

# --- text tools ---------------------------------------------------------------------
printf 'apple 3\nbanana 5\napple 2\ncherry 1\nbanana 4\napple 9\n' > fruit
eq "grep" "$(grep banana fruit | wc -l | tr -d ' ')" "2"
eq "grep -c" "$(grep -c apple fruit)" "3"
eq "grep -v" "$(grep -v -e apple -e banana fruit)" "cherry 1"
eq "grep -E" "$(grep -E '^(cherry|banana) [45]$' fruit | tr '\n' ' ')" "banana 5 banana 4 "
eq "grep -r" "$(grep -r gamma tree)" "tree/a/b/three.dat:gamma"
grep -q nothing-like-this fruit
eq "grep exit status when nothing matches" "$?" "1"
eq "sed s///g" "$(echo aaa | sed 's/a/b/g')" "bbb"
eq "sed -n p" "$(sed -n '2p' fruit)" "banana 5"
sed -i 's/cherry/CHERRY/' fruit
eq "sed -i" "$(grep -c CHERRY fruit)" "1"
eq "awk sum" "$(awk '{ s += $2 } END { print s }' fruit)" "24"
eq "awk fields and printf" "$(awk 'NR == 2 { printf "%s=%d\n", $1, $2 * 2 }' fruit)" "banana=10"
eq "awk -F" "$(echo a:b:c | awk -F: '{ print $2 }')" "b"
eq "sort | uniq -c" "$(awk '{ print $1 }' fruit | sort | uniq -c | awk '{ print $2 $1 }' | tr '\n' ' ')" \
    "CHERRY1 apple3 banana2 "
eq "sort -n" "$(printf '10\n9\n100\n' | sort -n | tr '\n' ' ')" "9 10 100 "
eq "sort -rn large input" "$(seq 1 5000 | sort -rn | head -n 1)" "5000"
eq "wc -l" "$(wc -l < fruit | tr -d ' ')" "6"
eq "wc -w" "$(wc -w < fruit | tr -d ' ')" "12"
eq "wc -c" "$(printf 'hello' | wc -c | tr -d ' ')" "5"
eq "head -n 2" "$(head -n 2 fruit | tr '\n' ' ')" "apple 3 banana 5 "
eq "tail -n 2" "$(tail -n 2 fruit | tr '\n' ' ')" "banana 4 apple 9 "
eq "tail -c 3" "$(printf 'abcdef' | tail -c 3)" "def"
eq "cut" "$(echo 'a,b,c' | cut -d, -f2,3)" "b,c"
eq "tr -d" "$(echo 'k-i-l-n' | tr -d -)" "kiln"
eq "xargs" "$(printf '1\n2\n3\n' | xargs echo)" "1 2 3"
eq "seq" "$(seq 3 | tr '\n' ' ')" "1 2 3 "
eq "basename and dirname" "$(basename /a/b/c.txt .txt) $(dirname /a/b/c.txt)" "c /a/b"

# --- archives and checksums -------------------------------------------------------------
eq "md5sum of a known string" "$(echo kiln | md5sum | cut -d' ' -f1)" "4670382f426b6ffd1054c7ed2d588a29"
dd if=/dev/zero of=zeros bs=1024 count=1024 2> /dev/null
eq "dd writes 1 MiB" "$(stat -c %s zeros)" "1048576"
eq "md5sum of 1 MiB of zeros written and read back" "$(md5sum zeros | cut -d' ' -f1)" \
    "b6d81b360a5672d80c27430f39153e2c"
head -c 200000 /dev/urandom > random
sum1=$(md5sum < random)
cp random random2
eq "md5sum of a copied random file" "$(md5sum < random2)" "$sum1"
tar cf t.tar tree random
ok "tar c" test -s t.tar
mkdir untar
tar xf t.tar -C untar
ok "tar x round trip (diff -r)" diff -r tree untar/tree
eq "tar x keeps contents" "$(md5sum < untar/random)" "$sum1"
eq "tar keeps symlinks" "$(readlink untar/tree/link)" "one.txt"
eq "tar t lists" "$(tar tf t.tar | grep -c three.dat)" "1"
tar czf t.tgz tree
mkdir untgz
tar xzf t.tgz -C untgz
ok "tar with gzip round trip" diff -r tree untgz/tree
gzip -c random > random.gz
eq "gzip and gunzip" "$(gunzip -c random.gz | md5sum)" "$sum1"

# --- system ---------------------------------------------------------------------------
eq "uname -s" "$(uname -s)" "Linux"
eq "uname -m" "$(uname -m)" "x86_64"
if [ "$(id -u)" = 0 ]; then
    pass "id -u is 0 (root)"
elif on_host; then
    skip "id -u is 0 (root)" "the host runs the tests as uid $(id -u)"
else
    fail "id -u is 0 (root)" "$(id -u)"
fi
y=$(date +%Y)
[ "$y" -ge 2024 ] && pass "date +%Y is a recent year" || fail "date +%Y is a recent year" "$y"
eq "date -u -d @0" "$(date -u -d @0 +%Y-%m-%dT%H:%M:%S)" "1970-01-01T00:00:00"
t0=$(date +%s)
sleep 1
t1=$(date +%s)
[ $((t1 - t0)) -ge 1 ] && [ $((t1 - t0)) -le 5 ] && pass "sleep 1 lasts about a second" ||
    fail "sleep 1 lasts about a second" "date +%s went from $t0 to $t1"
ps > ps.txt 2>&1
if head -n 1 ps.txt | grep -q PID && grep -q "^ *$$ " ps.txt; then
    pass "ps lists the shell"
else
    fail "ps lists the shell" "$(head -n 3 ps.txt | tr '\n' '|')"
fi
sleep 5 &
p=$!
# The job may not have exec'd sleep yet: look a few times.
found=
for i in 1 2 3 4 5 6 7 8 9 10; do
    pidof sleep | grep -qw "$p" && found=1 && break
    sleep 0.2
done
[ -n "$found" ] && pass "pidof finds a sleeping job" ||
    fail "pidof finds a sleeping job" "pidof sleep gave '$(pidof sleep)', want $p"
kill $p
wait $p 2> /dev/null
if dmesg > dmesg.txt 2> dmesg.err; then
    [ -s dmesg.txt ] && pass "dmesg prints the kernel log" || fail "dmesg prints the kernel log" "empty"
elif on_host; then
    skip "dmesg prints the kernel log" "the host forbids reading the kernel log: $(cat dmesg.err)"
else
    fail "dmesg prints the kernel log" "$(cat dmesg.err)"
fi
free > free.txt 2>&1
grep -q '^Mem:' free.txt && pass "free" || fail "free" "$(head -n 2 free.txt | tr '\n' '|')"
uptime > up.txt 2>&1
grep -q 'load average' up.txt && pass "uptime" || fail "uptime" "$(cat up.txt)"
top -b -n 1 > top.txt 2>&1
grep -q PID top.txt && pass "top -b -n 1" || fail "top -b -n 1" "$(head -n 3 top.txt | tr '\n' '|')"
mount > mount.txt 2>&1
grep -q ' on /proc type proc ' mount.txt && pass "mount lists /proc" ||
    fail "mount lists /proc" "$(head -n 3 mount.txt | tr '\n' '|')"

echo "# $T finished: $NPASS pass, $NFAIL fail"
exit $FAILED
