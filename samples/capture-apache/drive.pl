#!/usr/bin/perl
# Drives a Perl HTTP client through the steps of sequence.json from its own loopback address, with the
# library's own redirect following and its default User-Agent.
# Usage: perl drive.pl http-tiny|lwp-post <local address>
#   http-tiny : HTTP::Tiny defaults (follows 303 for any method, 301/302/307/308 for GET/HEAD only; max_redirect 5)
#   lwp-post  : LWP::UserAgent with requests_redirectable extended to POST (GET, HEAD, POST; PUT is not)
use strict;
use warnings;
use File::Basename qw(dirname);
use JSON::PP;
use Time::HiRes qw(sleep);

my ($client, $local) = @ARGV;
die "usage: perl drive.pl http-tiny|lwp-post <local address>\n" unless $local;
open my $fh, '<', dirname(__FILE__) . '/sequence.json' or die $!;
my $seq = decode_json(do { local $/; <$fh> });
close $fh;

my $send;
if ($client eq 'http-tiny') {
    require HTTP::Tiny;
    my $http = HTTP::Tiny->new(local_address => $local);
    $send = sub {
        my ($method, $url, $body) = @_;
        my %opt = defined $body ? (content => $body, headers => { 'Content-Type' => 'application/x-www-form-urlencoded' }) : ();
        my $r = $http->request($method, $url, \%opt);
        my $hops = $r->{redirects} ? scalar @{ $r->{redirects} } : 0;
        my $text = $r->{status} == 599 ? "599 " . (split /\n/, $r->{content})[0] : "$r->{status} $r->{url}";
        return "$text ($hops redirects)";
    };
} elsif ($client eq 'lwp-post') {
    require LWP::UserAgent;
    require HTTP::Request;
    my $ua = LWP::UserAgent->new(local_address => $local);
    push @{ $ua->requests_redirectable }, 'POST';
    $send = sub {
        my ($method, $url, $body) = @_;
        my @headers = defined $body ? ('Content-Type' => 'application/x-www-form-urlencoded') : ();
        my $res = $ua->request(HTTP::Request->new($method => $url, \@headers, $body));
        return sprintf '%s %s (%d redirects)', $res->code, $res->request->uri, scalar(my @r = $res->redirects);
    };
} else { die "unknown client $client\n" }

for my $step (@{ $seq->{steps} }) {
    my ($method, $path) = ($step->{method}, $step->{path});
    my $body = ($method eq 'POST' || $method eq 'PUT') ? $seq->{body} : undef;
    my $out = eval { $send->($method, $seq->{base} . $path, $body) } // "error: $@";
    $out =~ s/\s+$//;
    print "  $client\@$local $method $path -> $out\n";
    sleep 0.05;
}
