#!/usr/bin/perl
# Drives Perl LWP::UserAgent (defaults: follows redirects of GET and HEAD only, max_redirect 7)
# through the steps of sequence.json from its own loopback address.
# Usage: perl drive.pl <local address>
use strict;
use warnings;
use File::Basename qw(dirname);
use JSON::PP;
use LWP::UserAgent;
use HTTP::Request;
use Time::HiRes qw(sleep);

my $local_address = shift or die "usage: perl drive.pl <local address>\n";
open my $fh, '<', dirname(__FILE__) . '/sequence.json' or die $!;
my $seq = decode_json(do { local $/; <$fh> });
close $fh;

my $ua = LWP::UserAgent->new(local_address => $local_address);
for my $step (@{ $seq->{steps} }) {
    my ($method, $path) = ($step->{method}, $step->{path});
    my @headers = $method eq 'GET' ? () : ('Content-Type' => 'application/x-www-form-urlencoded');
    my $body = ($method eq 'POST' || $method eq 'PUT') ? $seq->{body} : undef;
    my $req = HTTP::Request->new($method => $seq->{base} . $path, \@headers, $body);
    my $res = $ua->request($req);
    my @hops = $res->redirects;
    printf "  lwp\@%s %s %s -> %s %s (%d redirects)\n", $local_address, $method, $path,
        $res->code, $res->request->uri, scalar @hops;
    sleep 0.05;
}
