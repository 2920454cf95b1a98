#!/usr/bin/perl
# The redirect-audit Apache capture's routes (samples/capture-apache/capture.sh): one CGI for every path,
# so that each status and Location is sent exactly as written here (Apache's own Redirect and
# RewriteRule [R] make the Location absolute; a CGI's "Status:" + "Location:" pass through unchanged).
# Targets read the whole request body (as an application would) and answer 200 to any method.
use strict;
use warnings;

my $path   = $ENV{REQUEST_URI} // '/';
$path =~ s/\?.*//s;
my $method = $ENV{REQUEST_METHOD} // 'GET';

# read the body, if any: mod_cgi passes it on stdin (a client that declares a body it never sends
# makes Apache time out here: RequestReadTimeout body=2)
my $len = $ENV{CONTENT_LENGTH} // 0;
my $body = '';
if ($len) { binmode STDIN; my $got = read(STDIN, $body, $len); $body = '' unless defined $got; }

sub answer {
    my ($status, $text, @headers) = @_;
    print "Status: $status\r\n";
    print "$_\r\n" for @headers;
    print "Content-Type: text/plain\r\n\r\n$text";
    exit 0;
}
sub redirect { my ($code, $loc, @h) = @_; answer($code, "see $loc\n", "Location: $loc", @h); }

# ---- the five codes: /rC/from answers C with the RELATIVE Location /rC/to; /rC/to answers 200 to any method
if ($path =~ m{^/r(30[12378])/from$}) { redirect($1, "/r$1/to"); }
if ($path =~ m{^/r30[12378]/to$})     { answer(200, "ok\n"); }

# ---- server-side mistakes, as in samples/nginx/nginx.conf.template
redirect(303, '/bad/canonical')              if $path eq '/bad/see-other-get';
answer(200, "canonical\n")                   if $path eq '/bad/canonical';
redirect(302, '/bad/found-post-done')        if $path eq '/bad/found-post';
answer(200, "done\n")                        if $path eq '/bad/found-post-done';
redirect(307, '/static/form.html')           if $path eq '/bad/307-to-static';   # Apache's default handler: 405 to POST
redirect(303, '/bad/post-only')              if $path eq '/bad/303-to-post-only';
if ($path eq '/bad/post-only') { $method eq 'POST' ? answer(200, "posted\n") : answer(405, "POST only\n", 'Allow: POST'); }
redirect(302, '/bad/chain-500-b')            if $path eq '/bad/chain-500';
redirect(302, '/bad/chain-500-c')            if $path eq '/bad/chain-500-b';
answer(500, "failed\n")                      if $path eq '/bad/chain-500-c';
redirect(307, '/bad/cacheable-307-to', 'Cache-Control: max-age=3600') if $path eq '/bad/cacheable-307';
answer(200, "ok\n")                          if $path eq '/bad/cacheable-307-to';
redirect(302, '/bad/loop-b')                 if $path eq '/bad/loop-a';
redirect(302, '/bad/loop-a')                 if $path eq '/bad/loop-b';
answer(302, "moved, but no Location\n")      if $path eq '/bad/no-location';     # a 3xx without Location
answer(302, "moved\n", 'Location: ')         if $path eq '/bad/empty-location';  # an empty Location

# ---- a Location relative to the request's directory (no leading slash): /account/edit and
# /account/moved send the client to "profile?saved=1", which resolves to /account/profile?saved=1
redirect(303, 'profile?saved=1')             if $path eq '/account/edit';
redirect(307, 'profile?saved=1')             if $path eq '/account/edit-307';
redirect(302, 'profile?saved=1')             if $path eq '/account/moved';
answer(200, "profile\n")                     if $path eq '/account/profile';

answer(404, "not found\n");
