/* stdin-from FILE PROGRAM [ARG...]: run PROGRAM with its standard input read from FILE.
 * bench/run uses it so hyperfine -N (no shell) can feed hook input: hyperfine 1.15 has no --input.
 * It costs one extra exec, the same for every command it wraps. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fputs("usage: stdin-from FILE PROGRAM [ARG...]\n", stderr);
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0 || dup2(fd, 0) < 0) {
        perror(argv[1]);
        return 2;
    }
    close(fd);
    execv(argv[2], argv + 2);
    perror(argv[2]);
    return 127;
}
