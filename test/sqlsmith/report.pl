#!/usr/bin/perl
# Reads what a SQLsmith run left behind (test/sqlsmith/run): the server's log
# of the run, the statements SQLsmith generated and the hang watchdog's
# notes.  Prints a summary, writes errors.tsv and internal_errors.txt to the
# output folder, and exits 1 when the run found a crash or a restart, an
# internal error (SQLSTATE class XX or 58) in a statement that involves
# lead_qual or raised by lead_qual's code (unless it is a known error of
# PostgreSQL itself, known_core_errors.txt), a hang, or no statement at all.
#
#   report.pl --queries FILE --log FILE --involved 'name|name|...' --hangs FILE
#             --seconds N --out DIR
#
# --involved lists the relations and functions of schema crm that use
# lead_qual; a statement involves lead_qual when it names schema lead_qual
# or one of them.
use strict;
use warnings;
use Getopt::Long;
use Digest::MD5 qw(md5);

my ($queries_file, $log_file, $involved, $hangs_file, $seconds, $out) = ('', '', '', '', 0, '.');
GetOptions('queries=s' => \$queries_file, 'log=s' => \$log_file, 'involved=s' => \$involved,
           'hangs=s' => \$hangs_file, 'seconds=i' => \$seconds, 'out=s' => \$out)
    or die "usage: $0 --queries FILE --log FILE --involved NAMES --hangs FILE --seconds N --out DIR\n";

my $involved_re = $involved eq '' ? qr/\blead_qual\./ : qr/\blead_qual\.|\bcrm\.(?:$involved)\b/;
sub involves { return $_[0] =~ $involved_re ? 1 : 0 }
sub calls_lead_qual { return $_[0] =~ /\blead_qual\.\w+\(/ ? 1 : 0 }

# lead_qual's C files: an error whose LOCATION is one of them was raised by
# lead_qual's code, whatever the statement.
(my $script_dir = $0) =~ s{[^/]*$}{};
$script_dir = './' if $script_dir eq '';
my %our_files = map { m{([^/]+)$}; ($1 => 1) } glob("${script_dir}../../src/*.c ${script_dir}../../src/*/*.c");
die "found no C file of lead_qual in ${script_dir}../../src\n" unless %our_files;

# Internal errors of PostgreSQL itself that random SQL meets without lead_qual.
my @known_core;
if (open my $fh, '<', "${script_dir}known_core_errors.txt") {
    while (<$fh>) {
        next if /^#/ || !/\S/;
        my ($re) = split /\t/;
        push @known_core, qr/$re/;
    }
}

# SQLSTATEs the reference documents for lead_qual, besides class 22.
my %documented = map { $_ => 1 } qw(42704 42501 42804 42703 55000 39P01 42701 23514 54000 42P07 08P01 XX001);

sub normalize {
    my ($s) = @_;
    $s =~ s/\s+$//;
    $s =~ s/;$//;
    $s =~ s/\s+$//;
    return $s;
}

# The server log: an entry starts with the timestamp of log_line_prefix
# ("%m [%p] ", with or without "%e "); PostgreSQL starts its continuation
# lines with a tab.  An ERROR is followed by its LOCATION (the role logs
# verbosely) and its STATEMENT, from the same process.
my (@errors, @crashes, @fatal, %failed_digest);
my %pending;    # pid -> the last ERROR of that process, until its STATEMENT
# An error of lead_qual's code, or of a statement one of its functions ran,
# with a SQLSTATE outside class 22 that the reference does not list.
sub unexpected {
    my ($err) = @_;
    return $err->{inside} && $err->{code} !~ /^22/ && !$documented{$err->{code}} && $err->{code} ne '57014';
}
sub finish_error {
    my ($err, $st) = @_;
    my ($file) = $err->{location} =~ /([\w.-]+\.c):\d+/;
    my $context = $err->{context} // '';
    # Raised by lead_qual: in its C code, or by a RAISE of its PL/pgSQL functions.
    $err->{ours} = (defined $file && $our_files{$file})
        || ($err->{location} =~ /^exec_stmt_raise,/ && $context =~ /^PL\/pgSQL function lead_qual\.\S+ line \d+ at RAISE/) ? 1 : 0;
    # Raised while a function of lead_qual ran (by PostgreSQL, for a statement it ran).
    $err->{inside} = $err->{ours} || $context =~ /function lead_qual\./ ? 1 : 0;
    if (defined $st) {
        $err->{involved} = $err->{ours} || involves($st);
        $err->{calls} = calls_lead_qual($st);
        $failed_digest{md5($st)} = 1;
    } else {
        $err->{involved} = 1;    # no statement to tell: count it as ours
        $err->{calls} = 0;
    }
    # Keep the whole statement only where it is to be looked at.
    $err->{statement} = $st if $err->{code} =~ /^(XX|58)/ || unexpected($err);
}
sub handle_entry {
    my ($e) = @_;
    my ($first) = $e =~ /^([^\n]*)/;
    my ($pid) = $first =~ /\[(\d+)\]/;
    $pid //= 0;
    my ($prefix_code, $level, $text) = $first =~ /\[\d+\] (?:([0-9A-Z]{5}) )?([A-Z]+):\s+(.*)/;
    return unless defined $level;
    if ($level eq 'PANIC'
        || $first =~ /terminated by signal|terminated by exception|exited with exit code (?![01]\b)\d+|server processes terminated; reinitializing|database system was interrupted|not properly shut down/) {
        push @crashes, $first;
    }
    if ($level =~ /^(ERROR|FATAL|PANIC)$/) {
        # The SQLSTATE from the verbose message, else from %e in the prefix
        # (a parallel worker logs tersely until it has the leader's settings).
        my ($code, $message) = $text =~ /^([0-9A-Z]{5}):\s+(.*)/;
        my $err = { level => $level, code => $code // $prefix_code // '?????', message => $message // $text,
                    location => '' };
        if ($level eq 'ERROR') {
            finish_error($pending{$pid}) if $pending{$pid};
            push @errors, $err;
            $pending{$pid} = $err;
        } else {
            push @fatal, $err;
        }
    } elsif ($level eq 'LOCATION' && $pending{$pid}) {
        $pending{$pid}{location} = $text;
    } elsif ($level eq 'CONTEXT' && $pending{$pid}) {
        ($pending{$pid}{context}) = $e =~ /CONTEXT:  (.*)$/s;
    } elsif ($level eq 'STATEMENT' && $pending{$pid}) {
        my ($st) = $e =~ /STATEMENT:  (.*)$/s;
        finish_error(delete $pending{$pid}, normalize($st));
    }
}
{
    open my $fh, '<', $log_file or die "cannot read $log_file: $!\n";
    my $entry;
    while (my $line = <$fh>) {
        if ($line =~ /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/ || !defined $entry) {
            handle_entry($entry) if defined $entry;
            $entry = $line;
        } else {
            $line =~ s/^\t//;
            $entry .= $line;
        }
    }
    handle_entry($entry) if defined $entry;
    finish_error($_) for values %pending;
}

# The statements, as SQLsmith wrote them: each ends with ";" at the end of a line.
my ($n, $mention, $calls, $calls_ok, $inv) = (0, 0, 0, 0, 0);
my %function_calls;
sub count_statement {
    my ($st) = @_;
    $n++;
    $mention++ if $st =~ /\blead_qual\./;
    $inv++ if involves($st);
    my %seen;
    $seen{$1}++ while $st =~ /\blead_qual\.(\w+)\(/g;
    return unless %seen;
    $calls++;
    $calls_ok++ unless $failed_digest{md5($st)};
    $function_calls{$_}++ for keys %seen;
}
{
    open my $fh, '<', $queries_file or die "cannot read $queries_file: $!\n";
    my $cur = '';
    while (my $line = <$fh>) {
        $cur .= $line;
        if ($line =~ /;\s*$/) {
            count_statement(normalize($cur));
            $cur = '';
        }
    }
    count_statement(normalize($cur)) if $cur =~ /\S/;
}

my @internal = grep { $_->{code} =~ /^(XX|58)/ } @errors;
for my $err (@internal) {
    my $m = $err->{message};
    $err->{known_core} = (!$err->{ours} && grep { $m =~ $_ } @known_core) ? 1 : 0;
}
my @internal_ours = grep { $_->{involved} && !$_->{known_core} } @internal;
my $known_core = grep { $_->{known_core} } @internal;
my @unexpected = grep { unexpected($_) } @errors;

my @hangs;
if ($hangs_file && -s $hangs_file) {
    open my $fh, '<', $hangs_file or die "cannot read $hangs_file: $!\n";
    @hangs = grep { /\S/ } <$fh>;
}

open my $tsv, '>', "$out/errors.tsv" or die "cannot write $out/errors.tsv: $!\n";
print $tsv "sqlstate\tinvolves_lead_qual\tcalls_lead_qual\traised_by_lead_qual\tinside_lead_qual\tlocation\tmessage\n";
for my $err (@errors) {
    print $tsv join("\t", $err->{code}, $err->{involved}, $err->{calls}, $err->{ours}, $err->{inside},
                    $err->{location}, $err->{message}), "\n";
}
close $tsv;

open my $bad, '>', "$out/internal_errors.txt" or die "cannot write $out/internal_errors.txt: $!\n";
for my $err (@internal, @unexpected) {
    my $context = $err->{context} // '';
    $context =~ s/\n/\n--          /g;
    print $bad "-- $err->{level} $err->{code}: $err->{message}\n-- LOCATION: $err->{location}\n",
        ($context ne '' ? "-- CONTEXT: $context\n" : ''),
        ($err->{statement} // '(no statement logged)'), ";\n\n";
}
close $bad;

my (%by_code, %by_code_calls, %by_code_ours, %first_message);
for my $err (@errors) {
    $by_code{$err->{code}}++;
    $by_code_calls{$err->{code}}++ if $err->{calls};
    $by_code_ours{$err->{code}}++ if $err->{ours};
    $first_message{$err->{code}} //= $err->{message};
}
sub top {
    my ($h, $k) = @_;
    my @c = sort { $h->{$b} <=> $h->{$a} || $a cmp $b } keys %$h;
    return @c[0 .. ($#c < $k - 1 ? $#c : $k - 1)];
}
my $pct = sub { $n ? sprintf('%.1f%%', 100 * $_[0] / $n) : '-' };
my $failed = scalar @errors;

printf "queries: %d generated in %d s (%.0f per second); %d failed (%s), %d ran without error\n",
    $n, $seconds, $seconds ? $n / $seconds : 0, $failed, $pct->($failed), $n - $failed;
printf "lead_qual share: %d statements name schema lead_qual (%s), %d call a lead_qual function (%s), %d of these ran without error (%s of all)\n",
    $mention, $pct->($mention), $calls, $pct->($calls), $calls_ok, $pct->($calls_ok);
printf "                 %d involve lead_qual (name it, or a CRM table, view or function that uses it: %s)\n",
    $inv, $pct->($inv);
printf "                 %d errors were raised by lead_qual's own code (%d distinct SQLSTATEs), %d more by statements its functions ran\n",
    scalar(grep { $_->{ours} } @errors), scalar(keys %by_code_ours), scalar(grep { $_->{inside} && !$_->{ours} } @errors);
printf "lead_qual functions called: %d different ones; statements calling each, top 25:\n", scalar(keys %function_calls);
for my $f (top(\%function_calls, 25)) { printf "  %6d  %s\n", $function_calls{$f}, $f }
print "errors by SQLSTATE, top 20 (count, in statements calling lead_qual, raised by lead_qual's code; first message):\n";
for my $c (top(\%by_code, 20)) {
    my $m = $first_message{$c};
    $m = substr($m, 0, 100) . '...' if length($m) > 100;
    printf "  %s %6d %6d %6d  %s\n", $c, $by_code{$c}, $by_code_calls{$c} // 0, $by_code_ours{$c} // 0, $m;
}
print "errors raised by lead_qual's code, by SQLSTATE:", (map { " $_ $by_code_ours{$_}" } top(\%by_code_ours, 30)), "\n";
printf "FATAL messages: %d%s\n", scalar(@fatal),
    join('', map { " $_->{code}" } @fatal[0 .. ($#fatal < 4 ? $#fatal : 4)]);
printf "crashes (a backend terminated by a signal, a restart, PANIC): %d\n", scalar(@crashes);
print "  $_\n" for @crashes;
printf "internal errors (SQLSTATE class XX or 58) involving lead_qual: %d; known errors of PostgreSQL (known_core_errors.txt): %d; elsewhere: %d\n",
    scalar(@internal_ours), $known_core, scalar(@internal) - scalar(@internal_ours) - $known_core;
printf "  %s%s %s (%s)\n", ($_->{known_core} ? 'known: ' : ''), $_->{code}, $_->{message}, $_->{location} for @internal;
printf "errors of lead_qual's functions (raised by them, or by a statement they ran) with a SQLSTATE outside class 22 that the reference does not list: %d\n",
    scalar(@unexpected);
my %unexpected_seen;
for my $err (@unexpected) {
    my ($where) = ($err->{context} // '') =~ /function (lead_qual\.\w+)/;
    my $line = sprintf "  %s %s (%s%s)\n", $err->{code}, $err->{message}, $err->{location}, $where ? ", in $where" : '';
    print $line unless $unexpected_seen{$line}++;
}
printf "hangs (a statement still running 30 s after its 1 s timeout, ended by the watchdog): %d\n", scalar(@hangs);
print "  $_" for @hangs;

exit((@crashes || @internal_ours || @hangs || $n == 0) ? 1 : 0);
