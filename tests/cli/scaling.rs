//! No cost grows with tags × commits: the work of each gate counted (history walks and the
//! commits they visit, printed by `RELGATE_STATS`), never timed. Doubling the tags checked must
//! not double the walks; a commit-graph file must prune a walk that cannot find its target.

use std::io::Write;
use std::process::Stdio;

use crate::util::Repo;

/// `n` commits on HEAD, made at once with git fast-import (one process, not `n`).
fn commits(r: &Repo, n: usize) {
    let head = r.git_out(&["rev-parse", "HEAD"]);
    let mut stream = String::new();
    for i in 0..n {
        stream.push_str(&format!(
            "commit refs/heads/main\ncommitter T <t@example.com> {} +0000\ndata <<EOT\nc{i}\nEOT\n",
            1_767_225_600 + i
        ));
        if i == 0 {
            stream.push_str(&format!("from {head}\n"));
        }
    }
    let mut cmd = r.command("git");
    cmd.args(["fast-import", "--quiet"]).stdin(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stream.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    r.git(&["reset", "-q", "--hard", "main"]).code(0);
}

/// A commit made `secs` after the first of [`commits`]' (the commits there are a second apart),
/// as a real side branch is made after the commit it starts from.
fn commit_after(r: &Repo, msg: &str, secs: u64) {
    let mut cmd = r.command("git");
    cmd.args(["commit", "-q", "--allow-empty", "-m", msg]).env(
        "GIT_COMMITTER_DATE",
        format!("@{} +0000", 1_767_225_600 + secs),
    );
    assert!(cmd.status().unwrap().success());
}

/// (walks, commits visited) of one run.
fn work(r: &Repo, bin: &str, args: &[&str], stdin: Option<&str>) -> (usize, usize) {
    let env = [("RELGATE_STATS", "1")];
    let run = match stdin {
        Some(s) => r.relgate_stdin(bin, args, s.as_bytes(), &env),
        None => r.relgate_env(bin, args, &env),
    };
    assert!(run.code <= 1, "{}: {}", run.what, run.stderr);
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains(": stats: "))
        .unwrap_or_else(|| panic!("no stats in {}", run.stderr));
    let num = |key: &str| -> usize {
        line.split(key)
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    (num("walks="), num("commits="))
}

/// One counter of a run's `RELGATE_STATS` line.
fn stat(r: &Repo, bin: &str, args: &[&str], key: &str) -> usize {
    let run = r.relgate_env(bin, args, &[("RELGATE_STATS", "1")]);
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains(": stats: "))
        .unwrap_or_else(|| panic!("no stats in {}", run.stderr));
    line.split(&format!("{key}="))
        .nth(1)
        .unwrap_or_else(|| panic!("no {key} in {line}"))
        .split(' ')
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// The merge bases one run asked for.
fn merge_bases(r: &Repo, bin: &str) -> usize {
    stat(r, bin, &[], "merge-bases")
}

/// A project at 1.0.0 with `n` commits of history below HEAD.
fn project(n: usize) -> Repo {
    let r = Repo::new();
    r.commit_file(
        "pyproject.toml",
        "[project]\nname = \"d\"\nversion = \"1.0.0\"\n",
        "initial",
    );
    commits(&r, n);
    r
}

#[test]
fn check_release_ready_lists_the_branches_only_off_a_named_release_branch() {
    let r = project(2);
    r.tag("1.0.0", None);
    r.git(&["branch", "1.0"]).code(0);
    // On main, which the release branches name: the maintenance lines are not looked for.
    assert_eq!(stat(&r, "check-release-ready", &[], "branch-lists"), 0);
    // On a maintenance line, and detached (a CI checkout), they are: that is how the check
    // knows the branch is a release branch.
    r.git(&["switch", "-q", "1.0"]).code(0);
    assert_eq!(stat(&r, "check-release-ready", &[], "branch-lists"), 1);
    r.relgate("check-release-ready", &[])
        .stdout_has("release-branch     on 1.0");
    r.git(&["switch", "-q", "--detach", "HEAD"]).code(0);
    assert_eq!(stat(&r, "check-release-ready", &[], "branch-lists"), 1);
    // A branch the configuration names needs none either.
    r.git(&["switch", "-q", "-c", "trunk"]).code(0);
    r.write("relgate.toml", "[release]\nbranches = [\"trunk\"]\n");
    assert_eq!(stat(&r, "check-release-ready", &[], "branch-lists"), 0);
}

#[test]
fn pushing_many_tags_walks_the_history_once() {
    let r = project(300);
    let mut per_count = Vec::new();
    for n in [20usize, 40] {
        let mut input = String::new();
        let z = "0".repeat(40);
        for i in 0..n {
            let name = format!("v0.{n}.{i}");
            r.git(&["tag", "-a", &name, "-m", &name, &format!("HEAD~{}", 2 * i)])
                .code(0);
            let oid = r.git_out(&["rev-parse", &name]);
            input.push_str(&format!("refs/tags/{name} {oid} refs/tags/{name} {z}\n"));
        }
        per_count.push(work(&r, "validate-tag", &["--pre-push"], Some(&input)));
    }
    let ((w1, c1), (w2, c2)) = (per_count[0], per_count[1]);
    assert!(w1 <= 1 && w2 <= 1, "walks: {w1}, {w2}");
    // The same history is read, whatever the number of tags pushed.
    assert!(c2 <= c1 + 10, "commits: {c1} → {c2}");
}

#[test]
fn many_tags_at_head_are_checked_with_one_walk() {
    let r = project(100);
    let mut runs = Vec::new();
    for n in [30usize, 60] {
        for i in 0..n {
            r.git(&["tag", &format!("v1.0.0-rc.{n}{i}")]).code(0);
        }
        runs.push(work(&r, "validate-tag", &[], None));
    }
    assert!(runs.iter().all(|(w, _)| *w <= 1), "{runs:?}");
    assert!(runs[1].1 <= runs[0].1 + 10, "{runs:?}");
}

#[test]
fn sources_at_or_ahead_of_every_tag_walk_nothing() {
    let r = project(50);
    r.tag("v0.9.0", Some("HEAD~10"));
    // On a branch, with the newer tag on main: nothing to walk for, 1.0.0 is above 0.9.0.
    assert_eq!(work(&r, "check-version-sync", &[], None), (0, 0));
    // A tag above the sources must be looked for: one question, which reads the five commits
    // made after it, newest first, and meets it; no walk of the history.
    r.tag("v1.1.0", Some("HEAD~5"));
    assert_eq!(work(&r, "check-version-sync", &[], None), (0, 5));
    assert_eq!(merge_bases(&r, "check-version-sync"), 1);
    // With a commit-graph: one walk, which stops when it finds it.
    r.git(&["commit-graph", "write", "--reachable"]).code(0);
    let (walks, visited) = work(&r, "check-version-sync", &[], None);
    assert_eq!(walks, 1);
    assert!(visited <= 6, "{visited}");
    assert_eq!(merge_bases(&r, "check-version-sync"), 0);
}

#[test]
fn check_release_ready_finds_the_previous_release_without_walking_all_history() {
    let r = project(200);
    r.tag("v0.9.0", Some("HEAD~3"));
    let (walks, visited) = work(&r, "check-release-ready", &[], None);
    assert!(walks <= 1, "{walks}");
    assert!(visited <= 4, "{visited}");
    // A higher release tagged on a commit no branch has (click's 8.5.0), made after HEAD:
    // asked first, and HEAD is older than it, so its merge base answers (a commit down); then
    // the one below it, met three commits down. Two questions, no walk of the 200 commits.
    r.git(&["switch", "-q", "-c", "side", "HEAD~1"]).code(0);
    commit_after(&r, "side", 300);
    r.tag("v3.0.0", None);
    r.git(&["switch", "-q", "main"]).code(0);
    r.git(&["branch", "-q", "-D", "side"]).code(0);
    assert_eq!(work(&r, "check-release-ready", &[], None), (0, 3));
    assert_eq!(merge_bases(&r, "check-release-ready"), 2);
    r.relgate("check-release-ready", &[])
        .stdout_has("1.0.0 follows v0.9.0");
}

#[test]
fn a_tag_asked_of_many_maintenance_branches_reads_only_the_commits_above_it() {
    let r = project(200);
    r.tag("v1.0.0", Some("HEAD~3"));
    // Ten maintenance lines of 1.0 (a line holds a release), each a commit on an older point
    // of main, made later.
    let lines = [
        "1.x",
        "v1.x",
        "1.0",
        "v1.0",
        "release/1.0",
        "release/1.x",
        "releases/1.0",
        "maint/1.0",
        "stable/1.0",
        "support/1.0",
    ];
    for (n, line) in lines.iter().enumerate() {
        let at = format!("HEAD~{}", 10 * (n + 1));
        r.git(&["switch", "-q", "-c", line, &at]).code(0);
        commit_after(&r, &format!("fix {n}"), 1_000 + n as u64);
        r.git(&["switch", "-q", "main"]).code(0);
    }
    // Eleven tips and one tag: more pairs than are asked one by one, so the tag is looked for
    // by date from all the tips at once, not by a walk of the 200 commits.
    let (walks, visited) = work(&r, "validate-tag", &["v1.0.0"], None);
    assert_eq!(walks, 0);
    assert!(visited <= 30, "{visited}");
    r.relgate("validate-tag", &["v1.0.0"])
        .code(0)
        .stdout_has("v1.0.0");
    // A tag no branch has is not met by date: the walk proves it.
    r.git(&["switch", "-q", "-c", "side", "HEAD~1"]).code(0);
    commit_after(&r, "side", 2_000);
    r.tag("v1.1.0", None);
    r.git(&["switch", "-q", "main"]).code(0);
    r.git(&["branch", "-q", "-D", "side"]).code(0);
    assert_eq!(work(&r, "validate-tag", &["v1.1.0"], None).0, 1);
    r.relgate("validate-tag", &["v1.1.0"])
        .code(1)
        .stdout_has("error[tag-not-on-release-branch]");
}

#[test]
fn check_release_ready_peels_the_tags_only_as_far_as_the_newest_below_head() {
    let r = project(20);
    // Twenty annotated tags, the newest version first in the history: version-increment needs
    // only the newest one below HEAD, so one tag is peeled, not twenty.
    for i in 0..20 {
        r.tag(&format!("v0.{i}.0"), Some(&format!("HEAD~{}", 20 - i)));
    }
    assert_eq!(stat(&r, "check-release-ready", &[], "tags-peeled"), 1);
    r.relgate("check-release-ready", &[])
        .stdout_has("1.0.0 follows v0.19.0");
    // The highest tag off HEAD's history: the next one down is peeled and asked as well.
    r.git(&["switch", "-q", "-c", "side", "HEAD~1"]).code(0);
    commit_after(&r, "side", 300);
    r.tag("v0.99.0", None);
    r.git(&["switch", "-q", "main"]).code(0);
    assert_eq!(stat(&r, "check-release-ready", &[], "tags-peeled"), 2);
    r.relgate("check-release-ready", &[])
        .stdout_has("1.0.0 follows v0.19.0");
}

/// The tag names are read once per tag scheme and run: inferring the scheme from the tags, then
/// the release branches, changes nothing in how a name reads, so every check shares the list.
#[test]
fn the_tag_list_is_read_once_per_scheme() {
    let r = project(5);
    for i in 0..5 {
        r.tag(&format!("v0.{i}.0"), Some(&format!("HEAD~{i}")));
    }
    // A maintenance line: the release branches are inferred after the tags are listed.
    r.git(&["branch", "0.3.x", "v0.3.0"]).code(0);
    for bin in ["check-release-ready", "check-version-sync", "validate-tag"] {
        assert_eq!(stat(&r, bin, &[], "tag-lists"), 1, "{bin}");
    }
    // Set in a configuration file, nothing is inferred: still one list.
    r.write("relgate.toml", "[tags]\nprefix = \"v\"\n");
    assert_eq!(stat(&r, "check-release-ready", &[], "tag-lists"), 1);
}

#[test]
fn a_commit_graph_prunes_the_walk_for_a_tag_off_the_branch() {
    let r = project(200);
    // A higher tag on a side branch that forks from HEAD~1: not in HEAD's history.
    r.git(&["switch", "-q", "-c", "side", "HEAD~1"]).code(0);
    commit_after(&r, "side work", 300);
    commit_after(&r, "more side work", 301);
    r.tag("v2.0.0", None);
    r.git(&["switch", "-q", "main"]).code(0);
    let without = work(&r, "check-version-sync", &[], None);
    // Without a commit-graph, one tag is asked about with a merge base (which paints down from
    // both ends to where they meet, a few commits), not with a walk of the whole history.
    assert_eq!(without, (0, 0), "{without:?}");
    assert_eq!(merge_bases(&r, "check-version-sync"), 1);
    // Past a few tags to ask about (highest first), one walk of the history answers for the
    // rest: the merge bases asked are bounded, whatever the number of tags.
    for i in 0..9 {
        r.git(&["switch", "-q", "side"]).code(0);
        commit_after(&r, &format!("side {i}"), 302 + i);
        r.tag(&format!("v2.0.{}", i + 1), None);
    }
    r.git(&["switch", "-q", "main"]).code(0);
    let many = work(&r, "check-version-sync", &[], None);
    assert_eq!(many.0, 1);
    assert!(many.1 >= 200, "{many:?}");
    assert_eq!(merge_bases(&r, "check-version-sync"), 8);
    r.git(&["commit-graph", "write", "--reachable"]).code(0);
    let with = work(&r, "check-version-sync", &[], None);
    assert!(with.0 <= 1);
    assert_eq!(merge_bases(&r, "check-version-sync"), 0);
    assert!(with.1 <= 2, "{with:?}: generation numbers end the walk");
}

/// A tag whose commit says it was made before the commit it starts from (a wrong clock) is
/// looked for down to that date: one pass over the history per question, of at most eight
/// questions (the commits are read once and kept for the next), and the merge base still
/// gives the verdict.
#[test]
fn a_tag_dated_before_its_branch_costs_one_pass_at_most() {
    let r = project(200);
    r.git(&["switch", "-q", "-c", "side", "HEAD~1"]).code(0);
    for i in 0..5 {
        // The harness's fixed date: older than every commit of the history.
        r.commit(&format!("side {i}"));
        r.tag(&format!("v2.0.{i}"), None);
    }
    r.git(&["switch", "-q", "main"]).code(0);
    let (walks, visited) = work(&r, "check-version-sync", &[], None);
    assert_eq!(walks, 0);
    // Five questions; the history is read by the first, the others walk what it kept.
    assert_eq!(merge_bases(&r, "check-version-sync"), 5);
    assert!(visited <= 5 * 202, "{visited}");
    r.relgate("check-version-sync", &[])
        .code(0)
        .stdout_lacks("v2.0.");
}

#[test]
fn the_pruned_walk_gives_the_same_verdicts() {
    let r = project(60);
    r.tag("v1.1.0", Some("HEAD~30"));
    r.git(&["switch", "-q", "-c", "side", "HEAD~1"]).code(0);
    r.commit("side work");
    r.tag("v2.0.0", None);
    r.git(&["switch", "-q", "main"]).code(0);
    let before = r.relgate("check-version-sync", &[]);
    before.code(1).stdout_has("lower than release tag v1.1.0");
    r.git(&["commit-graph", "write", "--reachable"]).code(0);
    let after = r.relgate("check-version-sync", &[]);
    assert_eq!(before.stdout, after.stdout);
    assert_eq!(before.code, after.code);
}

#[test]
fn files_at_tagged_commits_read_no_commit_the_walk_has_read() {
    let r = project(20);
    for i in 1..=40 {
        let v = format!("1.{i}.0");
        r.commit_file(
            "pyproject.toml",
            &format!("[project]\nname = \"d\"\nversion = \"{v}\"\n"),
            &format!("release {v}"),
        );
        r.git(&["tag", "-a", &format!("v{v}"), "-m", &v]).code(0);
    }
    // The walk met every tagged commit and kept its tree: none is read again, with or
    // without a commit-graph file (whose trees need no commit read at all). HEAD's is read
    // once before the walk, for the workspace its manifests declare.
    let without = stat(&r, "validate-tag", &["--all"], "commit-reads");
    assert!(
        without <= 1,
        "without a commit-graph: {without} commits read"
    );
    r.git(&["commit-graph", "write", "--reachable"]).code(0);
    let with = stat(&r, "validate-tag", &["--all"], "commit-reads");
    assert!(with <= 1, "with a commit-graph: {with} commits read");
    // Checking one tag reads its commit: the count is real.
    assert!(stat(&r, "validate-tag", &["v1.3.0"], "commit-reads") >= 1);
}

/// A Cargo workspace of `n` member crates, each at its own version.
fn workspace(n: usize) -> Repo {
    let r = Repo::new();
    let members: Vec<String> = (0..n).map(|i| format!("\"crates/c{i}\"")).collect();
    r.write(
        "Cargo.toml",
        &format!(
            "[workspace]\nmembers = [{}]\n\n[workspace.dependencies]\nserde = \"1\"\n",
            members.join(", ")
        ),
    );
    for i in 0..n {
        r.write(
            &format!("crates/c{i}/Cargo.toml"),
            &format!(
                "[package]\nname = \"c{i}\"\nversion = \"0.{i}.0\"\n\n[dependencies]\nserde.workspace = true\n"
            ),
        );
    }
    r.git(&["add", "-A"]).code(0);
    r.git(&["commit", "-qm", "workspace"]).code(0);
    r
}

#[test]
fn a_workspace_parses_each_manifest_once_and_lists_each_directory_once() {
    let mut per_size = Vec::new();
    for n in [10usize, 20] {
        let r = workspace(n);
        let parses = stat(&r, "check-version-sync", &[], "toml-parses");
        let lists = stat(&r, "check-version-sync", &[], "dir-lists");
        let reads = stat(&r, "check-version-sync", &[], "file-reads");
        // The root manifest and each member's, each parsed once, though the configuration,
        // the conventions, the workspace and the version sources all read them.
        assert_eq!(parses, n + 1, "{n} members: {parses} parses");
        // Each member's directory is listed once for the twenty files looked for in it, and
        // each manifest opened once (the root's twice: configuration discovery reads it
        // before the work tree is read).
        assert!(lists <= n + 3, "{n} members: {lists} listings");
        assert_eq!(reads, n + 2, "{n} members: {reads} files read");
        per_size.push((parses, lists));
    }
    assert!(per_size[1].1 <= 2 * per_size[0].1, "{per_size:?}");
}

#[test]
fn each_member_judges_its_own_tags_not_the_repository_s() {
    // Members × tags grows as the square of a workspace's size; each member reading only the
    // tags that start with its prefix (and each tag asked only of the members whose prefix it
    // starts with) grows with the tags.
    let mut judged = Vec::new();
    for n in [6usize, 12] {
        let r = workspace(n);
        for i in 0..n {
            for k in 0..4 {
                r.tag(&format!("c{i}-v0.{i}.{k}"), None);
            }
        }
        r.tag("v1.0.0", None);
        let sync = stat(&r, "check-version-sync", &[], "tag-names-judged");
        let all = stat(&r, "validate-tag", &["--all"], "tag-names-judged");
        judged.push((sync, all));
    }
    let ((s1, a1), (s2, a2)) = (judged[0], judged[1]);
    // Twice the members with twice the tags: about twice the names judged (the root's scheme
    // reads every tag once), not four times.
    assert!(s2 <= s1 * 5 / 2, "check-version-sync: {s1} → {s2}");
    assert!(a2 <= a1 * 5 / 2, "validate-tag --all: {a1} → {a2}");
}

#[test]
fn loose_objects_are_read_by_relgate_itself() {
    let r = project(20);
    r.tag("v1.0.0", Some("HEAD~5"));
    // Never packed: the tag object, the commits from HEAD down to the tag's, the tree and
    // pyproject.toml are loose, and read without gix's way of mapping each file.
    let loose = stat(&r, "validate-tag", &["v1.0.0"], "loose-reads");
    assert!(loose >= 9, "{loose}");
    r.relgate("validate-tag", &["v1.0.0"])
        .code(0)
        .stdout_has("v1.0.0");
    // Packed: none is loose, and the same verdict comes from the pack.
    r.git(&["gc", "-q"]).code(0);
    assert_eq!(stat(&r, "validate-tag", &["v1.0.0"], "loose-reads"), 0);
    r.relgate("validate-tag", &["v1.0.0"])
        .code(0)
        .stdout_has("v1.0.0");
}

#[test]
fn packed_lightweight_tags_are_known_not_on_head_without_reading_them() {
    let r = project(25);
    for i in 0..20 {
        r.git(&["tag", &format!("v0.{i}.0"), &format!("HEAD~{}", 20 - i)])
            .code(0);
    }
    r.tag("v0.99.0", Some("HEAD~1"));
    r.git(&["pack-refs", "--all"]).code(0);
    // git writes packed-refs with the `peeled` trait: an annotated tag has its `^` line, and a
    // tag without one names its commit, so none is read to see whether it is on HEAD.
    assert_eq!(stat(&r, "validate-tag", &[], "tags-peeled"), 0);
    r.relgate("validate-tag", &[])
        .code(0)
        .stdout_has("tag-nothing-to-check");
    // Without the trait, each lightweight tag is read to tell.
    let path = r.path().join(".git/packed-refs");
    let packed = std::fs::read_to_string(&path).unwrap();
    let (header, rest) = packed.split_once('\n').unwrap();
    assert!(header.contains(" peeled"), "{header}");
    std::fs::write(&path, format!("# pack-refs with: sorted \n{rest}")).unwrap();
    assert_eq!(stat(&r, "validate-tag", &[], "tags-peeled"), 20);
    r.relgate("validate-tag", &[])
        .code(0)
        .stdout_has("tag-nothing-to-check");
}
