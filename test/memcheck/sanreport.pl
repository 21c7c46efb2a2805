#!/usr/bin/perl
# Summarises the reports of AddressSanitizer and UndefinedBehaviorSanitizer
# that the server's processes wrote to their standard error (the server
# log), and decides whether lead_qual is at fault.
#
#   sanreport.pl OURS_REGEX LOGFILE...
#
# A report is ours when one of its lines matches OURS_REGEX (the sanitized
# lead_qual.so, or a source file of the sanitized build).  PostgreSQL itself
# is not instrumented, so UBSan reports can only come from our code, and
# ASan reports from our code or from the interceptors (memcpy, strlen, ...)
# that ASan puts around libc calls made by any code.
# Exit status: 0 no report of ours; 1 reports of ours.
use strict;
use warnings;

my ($ours_re, @logs) = @ARGV;
die "usage: sanreport.pl OURS_REGEX LOGFILE...\n" unless @logs;

my (%ours, %others);
my %kinds;
my @reports;
for my $file (@logs) {
    open my $fh, '<', $file or die "$file: $!";
    # An ASan report runs from "ERROR: AddressSanitizer" to "==pid==ABORTING"
    # or, when it goes on after the report, to the end of the legend of
    # shadow bytes (lines of the server's own log in between, from other
    # processes, are left out); a UBSan report is its "runtime error:" line and the stack
    # lines ("    #n ...") right after it.
    my ($cur, $type);
    while (my $l = <$fh>) {
        if ($l =~ /ERROR: AddressSanitizer|ERROR: UndefinedBehaviorSanitizer/) {
            push @reports, $cur if $cur;
            ($cur, $type) = ([$l], 'asan');
        } elsif ($l =~ /runtime error:/) {
            push @reports, $cur if $cur;
            ($cur, $type) = ([$l], 'ubsan');
        } elsif ($cur && $type eq 'asan') {
            next if $l =~ /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/;
            push @$cur, $l;
            if ($l =~ /==\d+==ABORTING|Right alloca redzone/) { push @reports, $cur; $cur = undef; }
        } elsif ($cur && $type eq 'ubsan') {
            if ($l =~ /^\s+#\d+ /) { push @$cur, $l } else { push @reports, $cur; $cur = undef; }
        }
    }
    push @reports, $cur if $cur;
    close $fh;
}
for my $r (@reports) {
    my $text = join '', @$r;
    my $head = $r->[0];
    my ($kind) = $head =~ /AddressSanitizer: ([\w-]+)/;
    $kind //= $head =~ /runtime error: (.*)/ ? "ubsan: $1" : 'other';
    $kind =~ s/0x[0-9a-f]+/ADDR/g;
    $kind =~ s/\s+$//;
    # Distinct reports: the kind, the source location and the first frames.
    my @fns = ($text =~ /^\s+#\d+ 0x[0-9a-f]+ in (\S+)/mg);
    my $loc = $head =~ /(\S+:\d+:\d+): runtime error/ ? $1 : '';
    my $key = join '|', $kind, $loc, @fns[0 .. ($#fns < 4 ? $#fns : 4)];
    my $mine = $text =~ /$ours_re/ || $head =~ /runtime error/;
    my $bucket = $mine ? \%ours : \%others;
    $bucket->{$key} //= { text => $text, count => 0, kind => $kind };
    $bucket->{$key}{count}++;
    $kinds{($mine ? 'ours: ' : 'other: ') . $kind}++;
}

my $n_ours = 0; $n_ours += $_->{count} for values %ours;
my $n_others = 0; $n_others += $_->{count} for values %others;
print "reports in lead_qual's code: $n_ours (", scalar(keys %ours), " distinct)\n";
print "other reports: $n_others (", scalar(keys %others), " distinct)\n";
print "  $_: $kinds{$_}\n" for sort keys %kinds;
for my $set (['lead_qual', \%ours], ['other code', \%others]) {
    my ($name, $h) = @$set;
    next unless %$h;
    print "\n######## reports in $name ########\n";
    for my $r (sort { $b->{count} <=> $a->{count} } values %$h) {
        # The report up to its summary line (not the shadow memory dump).
        (my $t = $r->{text}) =~ s/(SUMMARY: [^\n]*\n).*/$1/s;
        print "\n== x$r->{count}: $r->{kind}\n$t";
    }
}
exit(%ours ? 1 : 0);
