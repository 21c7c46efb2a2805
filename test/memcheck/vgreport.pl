#!/usr/bin/perl
# Summarises the logs of a valgrind memcheck run of the server (one text
# log per process, vg.<pid>.log, written with --fullpath-after= and
# --gen-suppressions=all) and decides whether lead_qual is at fault.
#
#   vgreport.pl DIR SOURCES_REGEX
#
# SOURCES_REGEX matches the file names of lead_qual's sources as valgrind
# prints them in frames (for example "/src/(model_parse|rules)\.[ch]:\d+").
# A frame is ours when its file matches it, when it names a PostgreSQL
# header (only lead_qual.so has debug info with those: they are inlined
# into our code; the postgres binary has no debug info), or when it is in
# lead_qual.so without debug info.
#
# An error is ours when
#  - the stack where it happened has a frame of ours, or
#  - an auxiliary stack (where the memory was allocated or freed, where an
#    uninitialised value was created) starts in our code, or starts in the
#    allocator (malloc, free, ...) called straight from our code.
# Not when the allocator was called by PostgreSQL's memory contexts on
# behalf of our code: PostgreSQL is built without USE_VALGRIND, so valgrind
# sees the malloc'd blocks of a memory context, not the chunks palloc()
# hands out from them; such a stack says only which call made the context
# take a new block, and the bytes in question may belong to any chunk
# later carved from that block.  These are listed apart so a reviewer can
# look at them.
#
# Prints every distinct error of ours with its stacks, then the others that
# no suppression covers (their suppressions go to DIR/unsuppressed.supp, to
# review and add to postgres.supp when they are not ours).
# Exit status: 0 no error of ours; 1 errors of ours; 2 no usable log.
use strict;
use warnings;

my ($dir, $src_re) = @ARGV;
die "usage: vgreport.pl DIR SOURCES_REGEX\n" unless defined $src_re;
my @files = sort glob("$dir/vg.*.log");

my $alloc_fn = qr/^(malloc|calloc|realloc|free|memalign|posix_memalign|aligned_alloc|valloc|operator new|operator delete)/;

sub frame_is_ours {
    my $f = shift;
    return $f->{where} =~ /$src_re/ || $f->{where} =~ m{^/usr/include/postgresql/}
        || $f->{where} =~ /^in .*lead_qual\.so$/;
}

my (%ours, %block, %others);
my ($procs, $unfinished, $suppressed) = (0, 0, 0);
my %exe;

for my $file (@files) {
    open my $fh, '<', $file or die "$file: $!";
    my @lines = <$fh>;
    close $fh;
    $procs++;
    my $all = join '', @lines;
    $unfinished++ unless $all =~ /ERROR SUMMARY/;
    $suppressed += $1 if $all =~ /ERROR SUMMARY: .*suppressed: (\d+) from/;
    $exe{$1}++ if $all =~ /^==\d+== Command: (\S+)/m;
    # Blocks: runs of "==pid== ..." lines between blank ones; a suppression
    # ("{" ... "}", lines without the prefix) belongs to the block before.
    my (@blocks, $cur, $supp);
    for my $l (@lines) {
        if ($l =~ /^==\d+== ?(.*)$/) {
            my $c = $1;
            if ($c eq '') { push @blocks, $cur if $cur; $cur = undef; next }
            $cur //= { lines => [], supp => '' };
            push @{$cur->{lines}}, $c;
        } elsif ($l =~ /^\{/) {
            $supp = $l;
        } elsif (defined $supp) {
            $supp .= $l;
            if ($l =~ /^\}/) {
                $blocks[-1]{supp} = $supp if @blocks;
                $supp = undef;
            }
        }
    }
    push @blocks, $cur if $cur;
    for my $b (@blocks) {
        my @l = @{$b->{lines}};
        my $what = $l[0];
        next unless grep { /^\s+at 0x/ } @l;     # errors have stacks
        next if $what =~ /^(HEAP SUMMARY|LEAK SUMMARY|Memcheck,|Using Valgrind)/;
        my (@stacks, @aux);
        my $st;
        for my $x (@l[1 .. $#l]) {
            if ($x =~ /^\s+(at|by) 0x[0-9A-Fa-f]+: (.*) \((.*)\)$/) {
                if ($1 eq 'at' || !$st) { $st = []; push @stacks, $st }
                push @$st, { fn => $2, where => $3 };
            } elsif ($x =~ /^\s+(.*)/) {
                push @aux, $1;
            }
        }
        next unless @stacks;
        my $kind = $what =~ /definitely lost/ ? 'Leak_DefinitelyLost'
                 : $what =~ /^(Invalid \w+|Conditional jump|Use of uninitialised|Syscall param|Mismatched|Source and destination overlap|Process terminating|Jump to the invalid)/ ? $1
                 : 'Other';
        my $mine = grep { frame_is_ours($_) } @{$stacks[0]};
        my $in_block = 0;
        for my $s (@stacks[1 .. $#stacks]) {
            next unless @$s;
            if (frame_is_ours($s->[0])
                || ($s->[0]{fn} =~ $alloc_fn && @$s > 1 && frame_is_ours($s->[1]))) {
                $mine = 1;
            } elsif (grep { frame_is_ours($_) } @$s) {
                $in_block = 1;
            }
        }
        (my $what_key = $what) =~ s/[\d,]+ (\([\d,]+ direct, [\d,]+ indirect\) )?bytes in [\d,]+ blocks are definitely lost in loss record [\d,]+ of [\d,]+/N bytes definitely lost/;
        $what_key =~ s/0x[0-9A-Fa-f]+/ADDR/g;
        my $key = join '|', $what_key,
            map { my $s = $_; join ',', map { $_->{fn} } @$s[0 .. ($#$s < 5 ? $#$s : 5)] } @stacks;
        my $bucket = $mine ? \%ours : $in_block ? \%block : \%others;
        my $r = $bucket->{$key} //= { kind => $kind, what => $what, aux => \@aux,
                                     stacks => \@stacks, supp => $b->{supp}, count => 0 };
        $r->{count}++;
    }
}

if ($procs == 0) {
    print "no valgrind logs in $dir\n";
    exit 2;
}

sub total { my $h = shift; my $n = 0; $n += $_->{count} for values %$h; return $n }
sub by_kind {
    my $h = shift;
    my %k;
    $k{$_->{kind}} += $_->{count} for values %$h;
    return %k ? ' by kind: ' . join(', ', map { "$_ $k{$_}" } sort keys %k) : '';
}
print "valgrind: $procs server processes logged",
      (%exe ? ' (' . join(', ', map { "$exe{$_} x $_" } sort keys %exe) . ')' : ''), "\n";
print "valgrind: $unfinished process logs have no ERROR SUMMARY (the process did not exit normally)\n" if $unfinished;
print "errors in lead_qual's code: ", total(\%ours), " (", scalar(keys %ours), " distinct)", by_kind(\%ours), "\n";
print "errors in memory-context blocks first taken by lead_qual (not attributable): ", total(\%block),
      " (", scalar(keys %block), " distinct)", by_kind(\%block), "\n";
print "other errors no suppression covers: ", total(\%others), " (", scalar(keys %others), " distinct)", by_kind(\%others), "\n";
print "errors suppressed by postgres.supp: $suppressed\n";

sub show {
    my ($r, $maxframes) = @_;
    print "\n== $r->{kind} (x$r->{count}): $r->{what}\n";
    my @aux = @{$r->{aux}};
    for my $i (0 .. $#{$r->{stacks}}) {
        print "   -- $aux[$i - 1]\n" if $i > 0 && defined $aux[$i - 1];
        my @st = @{$r->{stacks}[$i]};
        my $last = $#st < $maxframes - 1 ? $#st : $maxframes - 1;
        printf "   %s (%s)\n", $_->{fn}, $_->{where} for @st[0 .. $last];
        print "   ... (", scalar(@st) - $last - 1, " more frames)\n" if $last < $#st;
    }
}

if (%ours) {
    print "\n######## errors in lead_qual's code ########\n";
    show($_, 40) for sort { $b->{count} <=> $a->{count} } values %ours;
}
if (%block) {
    print "\n######## errors in memory-context blocks first taken during lead_qual's code (see vgreport.pl) ########\n";
    show($_, 25) for sort { $b->{count} <=> $a->{count} } values %block;
}
if (%others) {
    print "\n######## other errors (not in lead_qual's code; add to postgres.supp after review) ########\n";
    show($_, 8) for sort { $b->{count} <=> $a->{count} } values %others;
}
if (%others || %block) {
    open my $out, '>', "$dir/unsuppressed.supp" or die $!;
    print $out "$_->{supp}\n" for grep { $_->{supp} } values %others, values %block;
    close $out;
}
exit(%ours ? 1 : 0);
